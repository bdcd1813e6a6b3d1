use std::sync::Mutex;

use tokio::time::{Duration, sleep};

static VISITORS: Mutex<u32> = Mutex::new(0);

// ANCHOR: visit
/// Counts a visitor, then pretends to write the count to a slow log.
async fn visit() {
    let mut count = VISITORS.lock().unwrap();
    *count += 1;
    sleep(Duration::from_millis(10)).await; // the guard is still alive here
    println!("visitor number {count}");
}
// ANCHOR_END: visit

// ANCHOR: main
#[tokio::main]
async fn main() {
    // A spawned task may move to another worker thread at any `.await`.
    tokio::spawn(visit()).await.unwrap();
}
// ANCHOR_END: main
