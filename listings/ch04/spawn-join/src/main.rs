use std::time::Duration;
use tokio::time::{Instant, sleep};

// ANCHOR: brew
async fn brew(drink: &'static str, minutes: u64) -> String {
    sleep(Duration::from_secs(minutes * 60)).await;
    format!("{drink} (brewed for {minutes} min)")
}
// ANCHOR_END: brew

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();

    // Both tasks start now; `spawn` does not wait for them.
    let tea: tokio::task::JoinHandle<String> = tokio::spawn(brew("tea", 4));
    let coffee = tokio::spawn(brew("coffee", 3));
    println!("spawned two tasks at {:?}", start.elapsed());

    // Awaiting a JoinHandle waits for the task and gives back its result.
    let coffee = coffee.await.expect("the coffee task failed");
    println!("{coffee} ready at {:?}", start.elapsed());
    let tea = tea.await.expect("the tea task failed");
    println!("{tea} ready at {:?}", start.elapsed());
    // ANCHOR_END: main

    // ANCHOR: panic
    let broken = tokio::spawn(async {
        let cups: Vec<&str> = Vec::new();
        cups[0].to_string() // index out of bounds: this task panics
    });
    match broken.await {
        Ok(cup) => println!("got {cup}"),
        Err(err) if err.is_panic() => println!("JoinError: {err}"),
        Err(err) => println!("the task was cancelled: {err}"),
    }
    println!("main is still running");
}
// ANCHOR_END: panic
