use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How many times the ball goes there and back.
const ROUND_TRIPS: u32 = 20_000;

// ANCHOR: main
fn main() {
    println!(
        "{:<8}{:>12}{:>19}",
        "kind", "round_trips", "ns_per_round_trip"
    );
    // Both tasks run on one thread, as in chapter 1.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let tasks = runtime.block_on(tasks(ROUND_TRIPS));
    print_row("tasks", tasks);
    print_row("threads", threads(ROUND_TRIPS));
}

fn print_row(kind: &str, elapsed: Duration) {
    let per_trip = elapsed.as_nanos() / u128::from(ROUND_TRIPS);
    println!("{kind:<8}{ROUND_TRIPS:>12}{per_trip:>19}");
}
// ANCHOR_END: main

// ANCHOR: tasks
/// Two tasks pass a number back and forth over two tokio channels.
async fn tasks(round_trips: u32) -> Duration {
    let (ping, mut pinged) = mpsc::unbounded_channel::<u32>();
    let (pong, mut ponged) = mpsc::unbounded_channel::<u32>();
    let echo = tokio::spawn(async move {
        while let Some(ball) = pinged.recv().await {
            pong.send(ball + 1).expect("the pinger listens");
        }
    });
    // The pinger is a task too, so that both ends are alike.
    let pinger = tokio::spawn(async move {
        let start = Instant::now();
        let mut ball = 0;
        for _ in 0..round_trips {
            ping.send(ball).expect("the echo task listens");
            ball = ponged.recv().await.expect("the echo task answers");
        }
        let elapsed = start.elapsed();
        assert_eq!(ball, round_trips); // every trip really happened
        elapsed // dropping `ping` here ends the echo task's loop
    });
    let elapsed = pinger.await.expect("the pinger finished");
    echo.await.expect("the echo task finished");
    elapsed
}
// ANCHOR_END: tasks

// ANCHOR: threads
/// Two threads do the same over two channels of the standard library.
fn threads(round_trips: u32) -> Duration {
    let (ping, pinged) = std_mpsc::channel::<u32>();
    let (pong, ponged) = std_mpsc::channel::<u32>();
    let echo = thread::spawn(move || {
        while let Ok(ball) = pinged.recv() {
            pong.send(ball + 1).expect("the pinger listens");
        }
    });
    let start = Instant::now();
    let mut ball = 0;
    for _ in 0..round_trips {
        ping.send(ball).expect("the echo thread listens");
        ball = ponged.recv().expect("the echo thread answers");
    }
    let elapsed = start.elapsed();
    assert_eq!(ball, round_trips);
    drop(ping);
    echo.join().expect("the echo thread finished");
    elapsed
}
// ANCHOR_END: threads
