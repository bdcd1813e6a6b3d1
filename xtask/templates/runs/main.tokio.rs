// ANCHOR: all
use std::time::Duration;

// The paused clock makes sleeps instant and their order certain, so the
// output is the same on every run.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let greeting = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        "hello"
    };
    println!("{} after 100 ms", greeting.await);
}
// ANCHOR_END: all
