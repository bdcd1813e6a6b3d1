use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, interval, sleep};

struct Work {
    input: u32,
    respond_on: oneshot::Sender<u32>,
}

// ANCHOR: worker
async fn worker(mut work_queue: mpsc::Receiver<Work>) {
    let start = Instant::now();
    let mut iterations = 0;
    let mut report = interval(Duration::from_millis(100));
    report.tick().await; // the first tick is immediate: skip it

    loop {
        tokio::select! {
            // Poll the branches in the order written, not in random order,
            // so that the output is the same on every run.
            biased;

            _ = report.tick() => {
                let ms = start.elapsed().as_millis();
                println!("[{ms:>3} ms] worker: {iterations} done so far");
            }
            maybe_work = work_queue.recv() => {
                // `None`: every sender is gone, and no work is left.
                let Some(work) = maybe_work else { break };
                sleep(Duration::from_millis(20)).await; // pretend to work
                // The requester may have given up; that is not our problem.
                let _ = work.respond_on.send(work.input * 1000);
                iterations += 1;
            }
        }
    }
    println!("worker: queue closed, stopping after {iterations} iterations");
}
// ANCHOR_END: worker

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

    for i in 1..=12 {
        let response = do_work(&work_queue, i).await;
        println!("main: work result for {i}: {response}");
    }

    drop(work_queue);
    worker.await.expect("the worker panicked");
}
// ANCHOR_END: main
