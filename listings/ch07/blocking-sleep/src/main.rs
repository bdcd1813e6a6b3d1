use std::time::{Duration, Instant};

use futures::future::join_all;

// ANCHOR: blocking
async fn sleep_ms_blocking(start: &Instant, id: u64, duration_ms: u64) {
    // Puts the whole thread to sleep: nothing else can run on it meanwhile.
    std::thread::sleep(Duration::from_millis(duration_ms));
    let elapsed = start.elapsed().as_millis();
    println!(
        "  future {id:>2} slept for {duration_ms:>3} ms, \
         finished after {elapsed:>3} ms"
    );
}
// ANCHOR_END: blocking

// ANCHOR: async
async fn sleep_ms(start: &Instant, id: u64, duration_ms: u64) {
    // Registers a timer and returns `Pending`: the thread is free meanwhile.
    tokio::time::sleep(Duration::from_millis(duration_ms)).await;
    let elapsed = start.elapsed().as_millis();
    println!(
        "  future {id:>2} slept for {duration_ms:>3} ms, \
         finished after {elapsed:>3} ms"
    );
}
// ANCHOR_END: async

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("with std::thread::sleep:");
    let start = Instant::now();
    let sleep_futures =
        (1..=10).map(|id| sleep_ms_blocking(&start, id, id * 10));
    join_all(sleep_futures).await;
    println!("  all done after {} ms", start.elapsed().as_millis());

    println!("with tokio::time::sleep:");
    let start = Instant::now();
    let sleep_futures = (1..=10).map(|id| sleep_ms(&start, id, id * 10));
    join_all(sleep_futures).await;
    println!("  all done after {} ms", start.elapsed().as_millis());
}
// ANCHOR_END: main
