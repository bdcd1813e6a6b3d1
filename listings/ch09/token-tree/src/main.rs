use std::time::Duration;

use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

// ANCHOR: worker
/// Does one unit of work every 100 ms until its token is cancelled.
async fn worker(name: &str, token: CancellationToken, start: Instant) {
    let mut units = 0;
    loop {
        tokio::select! {
            biased;
            () = token.cancelled() => break,
            () = sleep(Duration::from_millis(100)) => units += 1,
        }
    }
    let ms = start.elapsed().as_millis();
    println!("{ms:>3} ms: {name} stops after {units} units");
}
// ANCHOR_END: worker

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let shutdown = CancellationToken::new();
    let http = shutdown.child_token();
    let metrics = shutdown.child_token();

    let tracker = TaskTracker::new();
    tracker.spawn(worker("http-1", http.clone(), start));
    tracker.spawn(worker("http-2", http, start));
    tracker.spawn(worker("metrics", metrics.clone(), start));
    // Nothing more will be spawned, so `wait` may finish once the
    // tracker is empty.
    tracker.close();

    let log = |what: &str| {
        println!("{:>3} ms: {what}", start.elapsed().as_millis());
    };
    sleep(Duration::from_millis(250)).await;
    log("cancel the metrics token");
    metrics.cancel();
    tokio::task::yield_now().await; // let the metrics task see it
    log(&format!("parent cancelled? {}", shutdown.is_cancelled()));
    log(&format!("{} tasks still running", tracker.len()));

    sleep(Duration::from_millis(200)).await;
    log("cancel the parent token");
    shutdown.cancel();
    tracker.wait().await;
    log("all tasks have stopped");
}
// ANCHOR_END: main
