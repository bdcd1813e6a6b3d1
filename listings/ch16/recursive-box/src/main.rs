use std::mem::size_of_val;
use std::time::Duration;

use tokio::time::Instant;

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

// ANCHOR: total
/// The size of a folder and everything in it.
async fn total_size(folder: &Folder) -> u64 {
    let mut total = folder.bytes;
    for child in fetch(folder).await {
        // The child's future lives on the heap: this future holds a pointer.
        total += Box::pin(total_size(child)).await;
    }
    total
}
// ANCHOR_END: total

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let leaf = |bytes| Folder {
        bytes,
        children: Vec::new(),
    };
    let photos = Folder {
        bytes: 2,
        children: vec![leaf(300), leaf(4000)],
    };
    let root = Folder {
        bytes: 1,
        children: vec![leaf(10), photos, leaf(50)],
    };

    let future = total_size(&root);
    println!("the future of total_size is {} bytes", size_of_val(&future));
    let fetching = fetch(&root);
    println!("the future of fetch is {} bytes", size_of_val(&fetching));
    let boxed = Box::pin(total_size(&root));
    println!(
        "a boxed future of total_size is {} bytes",
        size_of_val(&boxed)
    );

    let start = Instant::now();
    let total = future.await;
    let ms = start.elapsed().as_millis();
    println!("{total} bytes, fetched in {ms} ms");
}
// ANCHOR_END: main
