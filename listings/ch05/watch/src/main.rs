// ANCHOR: all
use std::time::Duration;
use tokio::sync::watch;

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (status, mut watcher) = watch::channel("starting");

    let display = tokio::spawn(async move {
        loop {
            // Read the latest value and mark it as seen.
            println!("display shows: {}", *watcher.borrow_and_update());
            // Wait for a value newer than the one we have seen.
            if watcher.changed().await.is_err() {
                println!("display: the sender is gone");
                break;
            }
        }
    });

    status.send("loading").unwrap();
    status.send("ready").unwrap(); // replaces "loading" before anyone saw it
    tokio::time::sleep(Duration::from_secs(1)).await;

    status.send("stopping").unwrap();
    drop(status);
    display.await.unwrap();
}
// ANCHOR_END: all
