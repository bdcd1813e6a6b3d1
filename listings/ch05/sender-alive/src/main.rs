use std::time::Duration;
use tokio::sync::mpsc::{self, Receiver};
use tokio::time::timeout;

async fn ping_handler(mut pings: Receiver<()>) {
    let mut count = 0;
    while let Some(()) = pings.recv().await {
        count += 1;
        println!("handler: received ping {count}");
    }
    println!("handler: channel closed, complete after {count} pings");
}

// ANCHOR: all
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (sender, receiver) = mpsc::channel(32);
    let mut handler = tokio::spawn(ping_handler(receiver));

    // A task with its own clone of the sender sends three pings, then ends,
    // dropping its clone.
    let pinger = sender.clone();
    tokio::spawn(async move {
        for _ in 0..3 {
            pinger.send(()).await.expect("the handler has stopped");
        }
    });

    // Wait for the handler, but give up after 10 seconds.
    if timeout(Duration::from_secs(10), &mut handler)
        .await
        .is_err()
    {
        println!("main: after 10 s the handler is still waiting");
    }

    drop(sender); // the last sender: now the channel closes
    handler.await.expect("the handler panicked");
}
// ANCHOR_END: all
