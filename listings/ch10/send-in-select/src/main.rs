use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, interval, sleep};

/// Milliseconds since `start`, for the printouts.
fn ms(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

// ANCHOR: consumer
/// A slow consumer: 230 ms per job. Returns the jobs it received.
async fn consume(mut jobs: mpsc::Receiver<u32>) -> Vec<u32> {
    let mut received = Vec::new();
    while let Some(job) = jobs.recv().await {
        sleep(Duration::from_millis(230)).await;
        received.push(job);
    }
    received
}
// ANCHOR_END: consumer

// ANCHOR: lossy
/// Sends jobs 1 to 5, and reports every 100 ms while it waits for room.
async fn produce_with_send(jobs: mpsc::Sender<u32>, start: Instant) {
    let mut status = interval(Duration::from_millis(100));
    status.tick().await; // the first tick completes at once
    for job in 1..=5 {
        tokio::select! {
            result = jobs.send(job) => {
                result.expect("the consumer has stopped");
                println!("{:>3} ms  sent {job}", ms(start));
            }
            _ = status.tick() => {
                println!("{:>3} ms  still waiting to send {job}", ms(start));
            }
        }
    }
}
// ANCHOR_END: lossy

// ANCHOR: reserve
/// The same producer, but it waits for room with `reserve`, and only
/// hands over the job once it has a slot.
async fn produce_with_reserve(jobs: mpsc::Sender<u32>, start: Instant) {
    let mut status = interval(Duration::from_millis(100));
    status.tick().await;
    for job in 1..=5 {
        let permit = loop {
            tokio::select! {
                permit = jobs.reserve() => {
                    break permit.expect("the consumer has stopped");
                }
                _ = status.tick() => {
                    let now = ms(start);
                    println!("{now:>3} ms  still waiting to send {job}");
                }
            }
        };
        permit.send(job); // never waits, returns no error: the slot is ours
        println!("{:>3} ms  sent {job}", ms(start));
    }
}
// ANCHOR_END: reserve

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("with send:");
    let (sender, receiver) = mpsc::channel(1);
    let consumer = tokio::spawn(consume(receiver));
    produce_with_send(sender, Instant::now()).await;
    let received = consumer.await.expect("the consumer panicked");
    println!("consumer received {received:?}");

    println!("with reserve:");
    let (sender, receiver) = mpsc::channel(1);
    let consumer = tokio::spawn(consume(receiver));
    produce_with_reserve(sender, Instant::now()).await;
    let received = consumer.await.expect("the consumer panicked");
    println!("consumer received {received:?}");
}
// ANCHOR_END: main
