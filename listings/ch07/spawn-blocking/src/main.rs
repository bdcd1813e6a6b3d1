use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::task::{self, JoinHandle};

// ANCHOR: work
/// Stands in for blocking work: a heavy computation, a synchronous file or
/// database call, a C library. It returns how many heartbeats the rest of
/// the program managed while it ran.
fn expensive_work(heartbeats: &AtomicU32) -> u32 {
    std::thread::sleep(Duration::from_millis(500));
    heartbeats.load(Ordering::SeqCst)
}

/// A task that counts a heartbeat every 200 ms, as long as it gets to run.
fn start_heartbeat() -> (Arc<AtomicU32>, JoinHandle<()>) {
    let heartbeats = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&heartbeats);
    let task = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    (heartbeats, task)
}
// ANCHOR_END: work

// ANCHOR: main
// One worker thread, so that one blocked task is enough to stall it.
#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    // 1. Blocking right inside an async task: the heartbeat stops.
    let (heartbeats, heartbeat) = start_heartbeat();
    let seen = tokio::spawn(async move { expensive_work(&heartbeats) })
        .await
        .unwrap();
    heartbeat.abort();
    println!("blocking inside a task: {seen} heartbeats meanwhile");

    // 2. The same work on tokio's blocking thread pool.
    let (heartbeats, heartbeat) = start_heartbeat();
    let seen = task::spawn_blocking(move || expensive_work(&heartbeats))
        .await
        .unwrap();
    heartbeat.abort();
    println!("with spawn_blocking:    {seen} heartbeats meanwhile");

    // 3. Inside a task again, but announced with block_in_place.
    let (heartbeats, heartbeat) = start_heartbeat();
    let seen = tokio::spawn(async move {
        task::block_in_place(|| expensive_work(&heartbeats))
    })
    .await
    .unwrap();
    heartbeat.abort();
    println!("with block_in_place:    {seen} heartbeats meanwhile");
}
// ANCHOR_END: main
