use std::pin::pin;

use futures::future;
use futures::stream::{self, StreamExt};
use tokio::time::{Duration, Instant, sleep};

// ANCHOR: price
/// Looks up the price of an order, in cents: 50 ms of pretend I/O.
async fn price_of(id: u32) -> (u32, u32) {
    println!("        looking up order {id}");
    sleep(Duration::from_millis(50)).await;
    (id, 250 * id)
}
// ANCHOR_END: price

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    // ANCHOR: pipeline
    let lines = stream::iter(1..=10)
        // Orders whose id is a multiple of 3 were canceled.
        .filter(|id| future::ready(id % 3 != 0))
        .then(price_of)
        .map(|(id, cents)| format!("order {id}: {cents} cents"))
        .take(3);
    println!("the pipeline is built; nothing has run yet");

    let mut lines = pin!(lines);
    while let Some(line) = lines.next().await {
        println!("{:>3} ms: {line}", start.elapsed().as_millis());
    }
    // ANCHOR_END: pipeline
}
