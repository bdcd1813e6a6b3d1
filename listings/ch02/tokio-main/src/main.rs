// ANCHOR: all
use std::time::Duration;

async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() {
    count_to(3).await;
    println!("Done counting.");
}
// ANCHOR_END: all
