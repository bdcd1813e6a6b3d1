// ANCHOR: all
use tokio::sync::mpsc::{self, Receiver};

async fn ping_handler(mut pings: Receiver<()>) {
    let mut count = 0;
    while let Some(()) = pings.recv().await {
        count += 1;
        println!("handler: received ping {count}");
    }
    // `recv` returned `None`: every sender is gone and the buffer is empty.
    println!("handler: channel closed, complete after {count} pings");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (sender, receiver) = mpsc::channel(32);
    let handler = tokio::spawn(ping_handler(receiver));

    for i in 1..=5 {
        sender.send(()).await.expect("the handler has stopped");
        println!("main: sent ping {i}");
    }

    drop(sender); // no more pings: this closes the channel
    handler.await.expect("the handler panicked");
}
// ANCHOR_END: all
