use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior, interval, sleep};

// ANCHOR: all
/// Sends seven requests, at most one per 100 ms tick. The second request
/// stalls for 350 ms. Returns when each tick fired, and when it was due.
async fn rate_limited(behavior: MissedTickBehavior) -> Vec<String> {
    let start = Instant::now();
    let mut ticks = interval(Duration::from_millis(100));
    ticks.set_missed_tick_behavior(behavior);

    let mut fired = Vec::new();
    for request in 1..=7 {
        let due = ticks.tick().await; // the Instant the tick was due at
        let (due, now) = (due - start, start.elapsed());
        if due == now {
            fired.push(format!("{}", now.as_millis()));
        } else {
            fired.push(format!(
                "{} (due {})",
                now.as_millis(),
                due.as_millis()
            ));
        }
        // Send the request; the second one is slow.
        let takes = if request == 2 { 350 } else { 10 };
        sleep(Duration::from_millis(takes)).await;
    }
    fired
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        let fired = rate_limited(behavior).await;
        println!("{:<6} {}", format!("{behavior:?}:"), fired.join(", "));
    }
}
// ANCHOR_END: all
