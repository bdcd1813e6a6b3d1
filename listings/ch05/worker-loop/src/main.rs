use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::sleep;

// ANCHOR: work
/// A job for the worker: the input, and where to send the answer.
struct Work {
    input: u32,
    respond_on: oneshot::Sender<u32>,
}
// ANCHOR_END: work

// ANCHOR: worker
async fn worker(mut work_queue: mpsc::Receiver<Work>) {
    let mut iterations = 0;
    // `None`: every sender is gone, and no work is left.
    while let Some(work) = work_queue.recv().await {
        sleep(Duration::from_millis(10)).await; // pretend to work
        // The requester may have given up; that is not our problem.
        let _ = work.respond_on.send(work.input * 1000);
        iterations += 1;
        println!("worker: iterations so far: {iterations}");
    }
    println!("worker: queue closed, stopping");
}
// ANCHOR_END: worker

// ANCHOR: do-work
/// Sends one job to the worker and waits for its answer.
async fn do_work(work_queue: &mpsc::Sender<Work>, input: u32) -> u32 {
    let (respond_on, response) = oneshot::channel();
    work_queue
        .send(Work { input, respond_on })
        .await
        .expect("the worker has stopped");
    response.await.expect("the worker dropped the job")
}
// ANCHOR_END: do-work

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (work_queue, receiver) = mpsc::channel(10);
    let worker = tokio::spawn(worker(receiver));

    for i in 1..=3 {
        let response = do_work(&work_queue, i).await;
        println!("main: work result for {i}: {response}");
    }

    drop(work_queue);
    worker.await.unwrap();
}
// ANCHOR_END: main
