use std::time::Duration;

// ANCHOR: solution
/// Spawns `n` tasks that each sleep for `nap`, waits until every one of
/// them has finished, and returns how many finished.
async fn nap_together(n: usize, nap: Duration) -> usize {
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        handles.push(tokio::spawn(tokio::time::sleep(nap)));
    }
    let mut finished = 0;
    for handle in handles {
        handle.await.expect("a napping task panicked");
        finished += 1;
    }
    finished
}
// ANCHOR_END: solution

// The clock is paused: sleeps take no real time, yet tokio still keeps
// track of how much virtual time has passed.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = tokio::time::Instant::now();
    let finished = nap_together(100_000, Duration::from_secs(1)).await;
    println!("{finished} naps finished after {:?}", start.elapsed());
}

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn every_task_finishes() {
        assert_eq!(
            nap_together(100_000, Duration::from_secs(1)).await,
            100_000
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_naps_overlap() {
        let start = Instant::now();
        nap_together(100_000, Duration::from_secs(1)).await;
        // One after the other, they would take 100,000 seconds.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn zero_tasks_is_fine() {
        assert_eq!(nap_together(0, Duration::from_secs(1)).await, 0);
    }
}
// ANCHOR_END: tests
