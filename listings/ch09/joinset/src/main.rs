use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

// ANCHOR: all
async fn fetch(name: &'static str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await;
    format!("{name} ({ms} ms)")
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let mut set = JoinSet::new();
    set.spawn(fetch("slow", 300));
    set.spawn(fetch("fast", 100));
    set.spawn(fetch("medium", 200));
    set.spawn(fetch("stuck", 60_000));

    // ANCHOR: join-next
    // Results arrive in the order the tasks finish, not the order
    // they were spawned.
    for _ in 0..3 {
        let Some(result) = set.join_next().await else {
            break;
        };
        let ms = start.elapsed().as_millis();
        println!("{ms:>4} ms: {}", result.unwrap());
    }
    // ANCHOR_END: join-next

    // ANCHOR: abort-all
    // We have waited long enough for the last one.
    set.abort_all();
    while let Some(result) = set.join_next().await {
        let error = result.unwrap_err();
        println!("cancelled: {}", error.is_cancelled());
    }
    let ms = start.elapsed().as_millis();
    println!("{} tasks left at {ms} ms", set.len());
    // ANCHOR_END: abort-all

    // ANCHOR: drop-detach
    let mut doomed = JoinSet::new();
    doomed.spawn(async {
        sleep(Duration::from_millis(100)).await;
        println!("never printed: dropping the set aborted me");
    });
    drop(doomed);

    let mut background = JoinSet::new();
    background.spawn(async {
        sleep(Duration::from_millis(100)).await;
        println!("detached task: finished anyway");
    });
    background.detach_all();
    drop(background);

    sleep(Duration::from_millis(200)).await;
    // ANCHOR_END: drop-detach
}
// ANCHOR_END: all
