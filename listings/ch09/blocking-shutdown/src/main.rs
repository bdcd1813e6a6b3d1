use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;
use tokio::sync::oneshot;

// ANCHOR: all
fn main() {
    // ANCHOR: drop-waits
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let (started_tx, started_rx) = oneshot::channel();
        let job = tokio::task::spawn_blocking(move || {
            started_tx.send(()).unwrap();
            go_rx.recv().unwrap(); // wait for main's signal
            thread::sleep(Duration::from_millis(200));
            println!("blocking job: finished");
        });
        started_rx.await.unwrap();
        job.abort();
        println!("main: aborted the job; finished? {}", job.is_finished());
    });
    println!("main: dropping the runtime");
    let start = Instant::now();
    go_tx.send(()).unwrap();
    drop(runtime);
    let waited = start.elapsed() >= Duration::from_millis(200);
    println!("main: runtime dropped; it waited for the job: {waited}");
    // ANCHOR_END: drop-waits

    // ANCHOR: timeout
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let (started_tx, started_rx) = oneshot::channel();
        tokio::task::spawn_blocking(move || {
            started_tx.send(()).unwrap();
            thread::sleep(Duration::from_secs(10));
            println!("never printed: the process exits first");
        });
        started_rx.await.unwrap();
    });
    println!("main: shutdown_timeout(100 ms)");
    let start = Instant::now();
    runtime.shutdown_timeout(Duration::from_millis(100));
    let waited = start.elapsed();
    let full = waited >= Duration::from_millis(100);
    let short = waited < Duration::from_secs(10);
    println!("main: returned after at least 100 ms: {full}");
    println!("main: returned before the 10 s job ended: {short}");
    // ANCHOR_END: timeout
}
// ANCHOR_END: all
