use tokio::sync::{mpsc, oneshot};
use tokio::time::{Duration, Instant, sleep};

struct Work {
    input: u32,
    respond_on: oneshot::Sender<u32>,
}

const REPORT_EVERY: Duration = Duration::from_millis(100);

// ANCHOR: worker
async fn worker(mut work_queue: mpsc::Receiver<Work>) -> u32 {
    let start = Instant::now();
    let mut iterations = 0;
    // One timer for the whole loop, but not pinned.
    let mut report = sleep(REPORT_EVERY);
    loop {
        tokio::select! {
            maybe_work = work_queue.recv() => {
                let Some(work) = maybe_work else { break };
                sleep(Duration::from_millis(10)).await;
                let _ = work.respond_on.send(work.input * 1000);
                iterations += 1;
            }
            () = &mut report => {
                let ms = start.elapsed().as_millis();
                println!("  report at {ms} ms: {iterations} iterations");
                report = sleep(REPORT_EVERY);
            }
        }
    }
    iterations
}
// ANCHOR_END: worker

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (tx, rx) = mpsc::channel(10);
    let worker = tokio::spawn(worker(rx));
    let (respond_on, answer) = oneshot::channel();
    tx.send(Work {
        input: 1,
        respond_on,
    })
    .await
    .unwrap();
    println!("{}", answer.await.unwrap());
    drop(tx);
    println!("{} iterations", worker.await.unwrap());
}
