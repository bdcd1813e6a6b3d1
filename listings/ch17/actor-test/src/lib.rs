use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::sleep;

// ANCHOR: worker
pub struct Work {
    pub input: u32,
    pub respond_on: oneshot::Sender<u32>,
}

/// Answers each job with its input times 1000, one job at a time, until
/// every sender is gone. Returns how many jobs it did.
pub async fn worker(mut work_queue: mpsc::Receiver<Work>) -> u32 {
    let mut iterations = 0;
    while let Some(work) = work_queue.recv().await {
        sleep(Duration::from_millis(20)).await; // pretend to work
        let _ = work.respond_on.send(work.input * 1000);
        iterations += 1;
    }
    iterations
}

/// Sends one job to the worker and waits for its answer.
pub async fn do_work(work_queue: &mpsc::Sender<Work>, input: u32) -> u32 {
    let (respond_on, response) = oneshot::channel();
    work_queue
        .send(Work { input, respond_on })
        .await
        .expect("the worker has stopped");
    response.await.expect("the worker dropped the job")
}
// ANCHOR_END: worker

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, timeout};

    #[tokio::test(start_paused = true)]
    async fn answers_a_request() {
        let (work_queue, receiver) = mpsc::channel(10);
        tokio::spawn(worker(receiver));

        assert_eq!(do_work(&work_queue, 7).await, 7000);
    }

    #[tokio::test(start_paused = true)]
    async fn does_one_job_at_a_time() {
        let (work_queue, receiver) = mpsc::channel(10);
        tokio::spawn(worker(receiver));
        let start = Instant::now();

        let answers = tokio::join!(
            do_work(&work_queue, 1),
            do_work(&work_queue, 2),
            do_work(&work_queue, 3),
        );

        assert_eq!(answers, (1000, 2000, 3000));
        // Three jobs of 20 ms, done one after the other, not side by side.
        assert_eq!(start.elapsed(), Duration::from_millis(60));
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_every_sender_is_gone() {
        let (work_queue, receiver) = mpsc::channel(10);
        let worker = tokio::spawn(worker(receiver));
        do_work(&work_queue, 1).await;
        do_work(&work_queue, 2).await;

        drop(work_queue);
        let stopped = timeout(Duration::from_secs(5), worker).await;

        let iterations = stopped.expect("the worker did not stop");
        assert_eq!(iterations.expect("the worker panicked"), 2);
    }
}
// ANCHOR_END: tests
