use std::time::{Duration, Instant};

// ANCHOR: tasks
/// Three steps of work, each followed by a wait for "I/O" (a tokio timer
/// here). While this task waits at `.await`, the thread is free for others.
async fn polite(name: &str, start: Instant, wait_ms: u64) {
    for step in 1..=3 {
        println!("{:>4} ms  {name}: step {step}", start.elapsed().as_millis());
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
    }
}

/// Three steps of work that block the thread, with no `.await` between them.
async fn greedy(name: &str, start: Instant) {
    for step in 1..=3 {
        println!("{:>4} ms  {name}: step {step}", start.elapsed().as_millis());
        std::thread::sleep(Duration::from_millis(600)); // blocks the thread
    }
}

/// The same blocking work, handed to a thread meant for blocking.
async fn careful(name: &str, start: Instant) {
    for step in 1..=3 {
        println!("{:>4} ms  {name}: step {step}", start.elapsed().as_millis());
        tokio::task::spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(600)); // blocks that one
        })
        .await // this task waits here; the runtime's thread is free
        .unwrap();
    }
}
// ANCHOR_END: tasks

// ANCHOR: main
#[tokio::main(flavor = "current_thread")] // one thread for all tasks
async fn main() {
    println!("A waits 200 ms after each step, B waits 300 ms:");
    let start = Instant::now();
    let a = tokio::spawn(polite("A", start, 200));
    let b = tokio::spawn(polite("B", start, 300));
    // Wait until both tasks have finished (`unwrap`: neither panicked).
    a.await.unwrap();
    b.await.unwrap();

    println!("D waits 200 ms after each step, C never waits:");
    let start = Instant::now();
    let d = tokio::spawn(polite("D", start, 200));
    let c = tokio::spawn(greedy("C", start));
    d.await.unwrap();
    c.await.unwrap();

    println!("E waits 200 ms after each step, F blocks elsewhere:");
    let start = Instant::now();
    let e = tokio::spawn(polite("E", start, 200));
    let f = tokio::spawn(careful("F", start));
    e.await.unwrap();
    f.await.unwrap();
}
// ANCHOR_END: main
