use std::pin::pin;

use tokio::sync::mpsc;
use tokio::time::{Duration, Instant, sleep_until};
use tokio_stream::wrappers::ReceiverStream;

// ANCHOR: imports
// `next` and the other adapters from the futures crate...
use futures::StreamExt;
// ...and `timeout`, which only tokio-stream's `StreamExt` has.
use tokio_stream::StreamExt as _;
// ANCHOR_END: imports

/// Jobs 1, 2 and 3 arrive at 30, 150 and 170 ms; the channel closes at
/// 250 ms, when the sending task ends and drops its sender.
fn jobs(start: Instant) -> ReceiverStream<u32> {
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        for (at, job) in [(30, 1), (150, 2), (170, 3)] {
            sleep_until(start + Duration::from_millis(at)).await;
            tx.send(job).await.expect("the receiver is alive");
        }
        sleep_until(start + Duration::from_millis(250)).await;
    });
    ReceiverStream::new(rx)
}

// ANCHOR: timeout
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let mut jobs = pin!(jobs(start).timeout(Duration::from_millis(100)));
    while let Some(job) = jobs.next().await {
        println!("{:>3} ms: {job:?}", start.elapsed().as_millis());
    }
}
// ANCHOR_END: timeout
