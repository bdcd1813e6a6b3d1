use std::pin::Pin;
use std::time::Duration;

use tokio::time::{Instant, sleep};

// ANCHOR: main
/// The same jobs, boxed with `Box::pin`: a pinned box is a future.
fn job(n: u64) -> Pin<Box<dyn Future<Output = u64>>> {
    if n.is_multiple_of(2) {
        Box::pin(async move {
            sleep(Duration::from_millis(n)).await;
            n
        })
    } else {
        Box::pin(std::future::ready(n))
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let jobs: Vec<_> = (1..=4).map(job).collect();
    let mut total = 0;
    for job in jobs {
        total += job.await;
    }
    let ms = start.elapsed().as_millis();
    println!("total: {total}, after {ms} ms");
}
// ANCHOR_END: main
