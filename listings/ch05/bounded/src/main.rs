use std::time::Duration;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::{Instant, sleep};

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    // ANCHOR: try-send
    let (sender, mut receiver) = mpsc::channel::<u32>(2);
    for n in 1..=3 {
        match sender.try_send(n) {
            Ok(()) => println!("try_send({n}): ok"),
            Err(TrySendError::Full(n)) => println!("try_send({n}): full"),
            Err(TrySendError::Closed(n)) => println!("try_send({n}): closed"),
        }
    }
    while let Ok(n) = receiver.try_recv() {
        println!("drained {n}");
    }
    // ANCHOR_END: try-send

    // ANCHOR: slow-consumer
    let (sender, mut receiver) = mpsc::channel::<u32>(2);
    let start = Instant::now();
    let ms = move || start.elapsed().as_millis();

    let consumer = tokio::spawn(async move {
        while let Some(n) = receiver.recv().await {
            println!("{:>3} ms  consumer: got {n}", ms());
            sleep(Duration::from_millis(100)).await; // a slow consumer
        }
    });

    for n in 1..=5 {
        sender.send(n).await.expect("the consumer has stopped");
        println!("{:>3} ms  producer: sent {n}", ms());
    }
    drop(sender);
    consumer.await.expect("the consumer panicked");
    // ANCHOR_END: slow-consumer
}
