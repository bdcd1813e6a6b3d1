use std::time::Duration;

// ANCHOR: all
/// A folder in a remote file store: its own size, and its subfolders.
struct Folder {
    bytes: u64,
    children: Vec<Folder>,
}

/// Fetching one folder's listing takes 10 ms.
async fn fetch(folder: &Folder) -> &[Folder] {
    tokio::time::sleep(Duration::from_millis(10)).await;
    &folder.children
}

/// The size of a folder and everything in it.
async fn total_size(folder: &Folder) -> u64 {
    let mut total = folder.bytes;
    for child in fetch(folder).await {
        total += total_size(child).await;
    }
    total
}
// ANCHOR_END: all

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let leaf = |bytes| Folder {
        bytes,
        children: Vec::new(),
    };
    let root = Folder {
        bytes: 1,
        children: vec![leaf(10), leaf(100)],
    };
    println!("{} bytes", total_size(&root).await);
}
