use futures::stream::{FuturesUnordered, StreamExt};
use tokio::time::{Duration, Instant, sleep};

// ANCHOR: site
/// A pretend web site: each page takes its own time to load, and links to
/// other pages.
fn page(path: &str) -> (u64, &'static [&'static str]) {
    match path {
        "/" => (50, &["/a", "/b"]),
        "/a" => (100, &["/a/1"]),
        "/b" => (30, &["/b/1", "/b/2"]),
        "/b/1" => (60, &[]),
        _ => (10, &[]),
    }
}

/// Loads a page and returns its path and the links found on it.
async fn load(path: &'static str) -> (&'static str, &'static [&'static str]) {
    let (ms, links) = page(path);
    sleep(Duration::from_millis(ms)).await;
    (path, links)
}
// ANCHOR_END: site

// ANCHOR: crawl
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let mut loading = FuturesUnordered::new();
    loading.push(load("/"));
    while let Some((path, links)) = loading.next().await {
        let ms = start.elapsed().as_millis();
        println!("{ms:>3} ms: loaded {path:<5} links: {links:?}");
        for link in links {
            loading.push(load(link));
        }
        println!("        still loading: {}", loading.len());
    }
}
// ANCHOR_END: crawl
