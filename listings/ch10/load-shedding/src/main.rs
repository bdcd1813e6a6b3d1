use std::time::Duration;

use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::{Instant, sleep};

// ANCHOR: all
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let ms = move || start.elapsed().as_millis();
    let (queue, mut requests) = mpsc::channel::<u32>(3);

    // The worker handles one request every 45 ms.
    let worker = tokio::spawn(async move {
        let mut handled = Vec::new();
        while let Some(request) = requests.recv().await {
            sleep(Duration::from_millis(45)).await;
            println!("{:>3} ms  worker: handled {request}", ms());
            handled.push(request);
        }
        handled
    });

    // A burst: one request every 10 ms, faster than the worker can go.
    let mut rejected = Vec::new();
    for request in 1..=9 {
        match queue.try_send(request) {
            Ok(()) => println!("{:>3} ms  accepted {request}", ms()),
            Err(TrySendError::Full(request)) => {
                // Answer "busy, try later" at once instead of waiting.
                println!("{:>3} ms  rejected {request}: queue full", ms());
                rejected.push(request);
            }
            Err(TrySendError::Closed(_)) => panic!("the worker has stopped"),
        }
        sleep(Duration::from_millis(10)).await;
    }
    drop(queue);

    let handled = worker.await.expect("the worker panicked");
    println!("{:>3} ms  handled {handled:?}", ms());
    println!("{:>3} ms  rejected {rejected:?}", ms());
}
// ANCHOR_END: all
