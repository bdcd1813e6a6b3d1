// ANCHOR: all
use futures::executor::block_on;
use std::time::Duration;

async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
        // tokio's timer: it needs tokio's runtime to wake it up.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn main() {
    // futures' executor is not tokio's runtime.
    block_on(count_to(3));
}
// ANCHOR_END: all
