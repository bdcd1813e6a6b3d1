use std::pin::pin;

use tokio::sync::mpsc;
use tokio::time::{Duration, Instant, interval, sleep_until};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{IntervalStream, ReceiverStream};

// ANCHOR: sources
/// Jobs 1, 2 and 3 arrive at 30, 150 and 170 ms; the channel closes at
/// 250 ms, when the sending task ends and drops its sender.
fn jobs(start: Instant) -> ReceiverStream<u32> {
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        for (at, job) in [(30, 1), (150, 2), (170, 3)] {
            sleep_until(start + Duration::from_millis(at)).await;
            tx.send(job).await.expect("the receiver is alive");
        }
        sleep_until(start + Duration::from_millis(250)).await;
    });
    ReceiverStream::new(rx)
}

/// A tick every 100 ms, the first one at once.
fn ticks() -> IntervalStream {
    IntervalStream::new(interval(Duration::from_millis(100)))
}
// ANCHOR_END: sources

fn ms(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

// ANCHOR: merge
enum Event {
    Job(u32),
    Tick,
}

async fn merged() {
    let start = Instant::now();
    let jobs = jobs(start).map(Event::Job);
    let ticks = ticks().take(3).map(|_| Event::Tick);
    // Both streams are `Unpin`, so the merged one is too: no `pin!`.
    let mut events = jobs.merge(ticks);
    while let Some(event) = events.next().await {
        match event {
            Event::Job(job) => println!("{:>3} ms: job {job}", ms(start)),
            Event::Tick => println!("{:>3} ms: tick", ms(start)),
        }
    }
    println!("{:>3} ms: both streams have ended", ms(start));
}
// ANCHOR_END: merge

// ANCHOR: select
async fn selected() {
    let start = Instant::now();
    let mut jobs = jobs(start);
    let mut ticks = ticks().take(3);
    loop {
        tokio::select! {
            Some(job) = jobs.next() => {
                println!("{:>3} ms: job {job}", ms(start));
            }
            Some(_) = ticks.next() => println!("{:>3} ms: tick", ms(start)),
            else => break,
        }
    }
    println!("{:>3} ms: both streams have ended", ms(start));
}
// ANCHOR_END: select

// ANCHOR: timeout
async fn with_timeout() {
    let start = Instant::now();
    let mut jobs = pin!(jobs(start).timeout(Duration::from_millis(100)));
    while let Some(job) = jobs.next().await {
        match job {
            Ok(job) => println!("{:>3} ms: job {job}", ms(start)),
            Err(elapsed) => println!("{:>3} ms: {elapsed}", ms(start)),
        }
    }
    println!("{:>3} ms: the jobs have ended", ms(start));
}
// ANCHOR_END: timeout

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("merge:");
    merged().await;
    println!("select!:");
    selected().await;
    println!("timeout:");
    with_timeout().await;
}
// ANCHOR_END: main
