use std::time::Duration;

// ANCHOR: fetch
use futures::stream::{self, StreamExt};
use tokio::time::{Instant, sleep};

/// Pretends to fetch page `id`, which takes `ms` milliseconds.
async fn fetch(start: Instant, id: u32, ms: u64) -> u32 {
    println!("{:>3} ms    start {id}", start.elapsed().as_millis());
    sleep(Duration::from_millis(ms)).await;
    id
}

const PAGES: [(u32, u64); 5] =
    [(1, 300), (2, 100), (3, 100), (4, 100), (5, 100)];
// ANCHOR_END: fetch

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    // ANCHOR: buffered
    println!("buffered(3):");
    let start = Instant::now();
    let mut pages = stream::iter(PAGES)
        .map(|(id, ms)| fetch(start, id, ms))
        .buffered(3);
    while let Some(id) = pages.next().await {
        println!("{:>3} ms  got {id}", start.elapsed().as_millis());
    }
    // ANCHOR_END: buffered

    // ANCHOR: buffer-unordered
    println!("buffer_unordered(3):");
    let start = Instant::now();
    let mut pages = stream::iter(PAGES)
        .map(|(id, ms)| fetch(start, id, ms))
        .buffer_unordered(3);
    while let Some(id) = pages.next().await {
        println!("{:>3} ms  got {id}", start.elapsed().as_millis());
    }
    // ANCHOR_END: buffer-unordered
}
