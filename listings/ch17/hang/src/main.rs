use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, timeout};

struct Work {
    input: u32,
    respond_on: oneshot::Sender<u32>,
}

/// The worker of the actor tests: runs until every sender is gone.
async fn worker(mut work_queue: mpsc::Receiver<Work>) -> u32 {
    let mut iterations = 0;
    while let Some(work) = work_queue.recv().await {
        sleep(Duration::from_millis(20)).await; // pretend to work
        let _ = work.respond_on.send(work.input * 1000);
        iterations += 1;
    }
    iterations
}

async fn do_work(work_queue: &mpsc::Sender<Work>, input: u32) -> u32 {
    let (respond_on, response) = oneshot::channel();
    work_queue
        .send(Work { input, respond_on })
        .await
        .expect("the worker has stopped");
    response.await.expect("the worker dropped the job")
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (work_queue, receiver) = mpsc::channel(10);
    let worker = tokio::spawn(worker(receiver));
    println!("answer: {}", do_work(&work_queue, 1).await);
    println!("answer: {}", do_work(&work_queue, 2).await);

    // Forgot `drop(work_queue)`: the worker waits for more work forever.
    let stopped = timeout(Duration::from_secs(5), worker).await;

    let iterations = stopped.expect("the worker did not stop");
    println!("the worker did {} jobs", iterations.unwrap());
}
// ANCHOR_END: main
