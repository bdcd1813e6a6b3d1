use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::{Instant, sleep};

// ANCHOR: all
const LIMIT: usize = 3;

/// A job that takes `ms` milliseconds, for example a call to a service.
async fn job(id: u32, ms: u64) -> u32 {
    sleep(Duration::from_millis(ms)).await;
    id * 10
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let semaphore = Arc::new(Semaphore::new(LIMIT));
    let durations = [300, 100, 200, 100, 300, 100, 200, 100];

    let mut handles = Vec::new();
    for (id, ms) in (1..).zip(durations) {
        // Wait for one of the LIMIT permits. The permit owns a clone of
        // the Arc, so it can move into the task.
        // ANCHOR: acquire-spawn
        let permit = Arc::clone(&semaphore)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let in_flight = LIMIT - semaphore.available_permits();
        println!(
            "{:>3} ms  start job {id} ({ms} ms), {in_flight} in flight",
            start.elapsed().as_millis()
        );
        handles.push(tokio::spawn(async move {
            let result = job(id, ms).await;
            // Naming `permit` here moves it into the task; dropping it
            // gives the slot to the next job.
            drop(permit);
            result
        }));
        // ANCHOR_END: acquire-spawn
    }

    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.expect("a job panicked"));
    }
    println!(
        "{:>3} ms  all done: {results:?}",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: all
