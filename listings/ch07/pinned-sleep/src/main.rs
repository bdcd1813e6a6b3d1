use std::pin::pin;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Duration, Instant, sleep};

// ANCHOR: work
/// A work item: the worker sleeps a little, then answers on `respond_on`.
struct Work {
    input: u32,
    respond_on: oneshot::Sender<u32>,
}

const REPORT_EVERY: Duration = Duration::from_millis(100);
// ANCHOR_END: work

// ANCHOR: naive
/// Meant to report every 100 ms, but never does while work keeps coming.
async fn naive_worker(mut work_queue: mpsc::Receiver<Work>) -> u32 {
    let start = Instant::now();
    let mut iterations = 0;
    loop {
        tokio::select! {
            maybe_work = work_queue.recv() => {
                let Some(work) = maybe_work else { break }; // queue closed
                sleep(Duration::from_millis(10)).await; // Pretend to work.
                let _ = work.respond_on.send(work.input * 1000);
                iterations += 1;
            }
            // A brand-new 100 ms timer on every pass through the loop.
            _ = sleep(REPORT_EVERY) => {
                let ms = start.elapsed().as_millis();
                println!("  report at {ms} ms: {iterations} iterations");
            }
        }
    }
    iterations
}
// ANCHOR_END: naive

// ANCHOR: pinned
/// Reports every 100 ms, however much work arrives.
async fn worker(mut work_queue: mpsc::Receiver<Work>) -> u32 {
    let start = Instant::now();
    let mut iterations = 0;
    // ANCHOR: select-timer
    // One timer for the whole loop, pinned where it stands.
    let mut report = pin!(sleep(REPORT_EVERY));
    loop {
        tokio::select! {
            maybe_work = work_queue.recv() => {
                let Some(work) = maybe_work else { break }; // queue closed
                sleep(Duration::from_millis(10)).await; // Pretend to work.
                let _ = work.respond_on.send(work.input * 1000);
                iterations += 1;
            }
            // Polls the same timer through a reference; it is not consumed.
            () = &mut report => {
                let ms = start.elapsed().as_millis();
                println!("  report at {ms} ms: {iterations} iterations");
                // The timer has fired; set it to fire again 100 ms from now.
                report.as_mut().reset(Instant::now() + REPORT_EVERY);
            }
        }
    }
    // ANCHOR_END: select-timer
    iterations
}
// ANCHOR_END: pinned

// ANCHOR: main
/// A requester: sends one work item and waits for its answer.
async fn do_work(work_queue: &mpsc::Sender<Work>, input: u32) -> u32 {
    let (tx, rx) = oneshot::channel();
    work_queue
        .send(Work {
            input,
            respond_on: tx,
        })
        .await
        .expect("failed to send on work queue");
    rx.await.expect("failed waiting for response")
}

/// Sends 25 work items, one after the other, to a fresh worker.
async fn run(
    name: &str,
    worker: impl Future<Output = u32> + Send + 'static,
    tx: mpsc::Sender<Work>,
) {
    println!("{name}:");
    let worker = tokio::spawn(worker);
    let mut last = 0;
    for i in 0..25 {
        last = do_work(&tx, i).await;
    }
    drop(tx); // closes the queue, so the worker's loop ends
    let iterations = worker.await.unwrap();
    println!("  done: {iterations} iterations, last result {last}");
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (tx, rx) = mpsc::channel(10);
    run("naive worker", naive_worker(rx), tx).await;
    let (tx, rx) = mpsc::channel(10);
    run("pinned worker", worker(rx), tx).await;
}
// ANCHOR_END: main
