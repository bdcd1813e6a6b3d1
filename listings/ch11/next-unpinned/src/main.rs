use futures::stream::{self, Stream, StreamExt};
use tokio::time::{Duration, sleep};

// ANCHOR: main
/// Looks up the price of an order, in cents: 50 ms of pretend I/O.
async fn price_of(id: u32) -> u32 {
    sleep(Duration::from_millis(50)).await;
    250 * id
}

/// The prices of the orders 1, 2 and 3, one after the other.
fn prices() -> impl Stream<Item = u32> {
    stream::iter(1..4).then(price_of)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let mut prices = prices();
    while let Some(cents) = prices.next().await {
        println!("{cents} cents");
    }
}
// ANCHOR_END: main
