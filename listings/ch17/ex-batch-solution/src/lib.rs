use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

// ANCHOR: solution
/// Waits for a first value, then gathers more into the same batch until
/// it holds `max` values, `wait` has passed since the first value came,
/// or the channel is closed. An empty batch means the channel is closed.
pub async fn collect_batch(
    rx: &mut mpsc::Receiver<u32>,
    max: usize,
    wait: Duration,
) -> Vec<u32> {
    let mut batch = Vec::new();
    let Some(first) = rx.recv().await else {
        return batch; // closed before anything came
    };
    batch.push(first);

    let deadline = Instant::now() + wait;
    while batch.len() < max {
        match timeout_at(deadline, rx.recv()).await {
            Ok(Some(value)) => batch.push(value),
            Ok(None) => break,      // the channel is closed
            Err(_elapsed) => break, // the wait is over
        }
    }
    batch
}
// ANCHOR_END: solution

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, sleep};

    /// Spawns a sender that, for each `(pause, value)`, waits `pause` and
    /// then sends `value`; it drops its end of the channel when done.
    fn sender(script: Vec<(u64, u32)>) -> mpsc::Receiver<u32> {
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(async move {
            for (pause_secs, value) in script {
                sleep(Duration::from_secs(pause_secs)).await;
                tx.send(value).await.unwrap();
            }
        });
        rx
    }

    const WAIT: Duration = Duration::from_secs(2);

    #[tokio::test(start_paused = true)]
    async fn a_full_batch_is_returned_at_once() {
        let mut rx = sender(vec![(0, 1), (0, 2), (0, 3), (0, 4)]);
        let start = Instant::now();
        assert_eq!(collect_batch(&mut rx, 3, WAIT).await, [1, 2, 3]);
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(collect_batch(&mut rx, 3, WAIT).await, [4]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_batch_ends_when_the_wait_is_over() {
        let mut rx = sender(vec![(0, 1), (1, 2), (3, 3)]);
        let start = Instant::now();
        assert_eq!(collect_batch(&mut rx, 10, WAIT).await, [1, 2]);
        assert_eq!(start.elapsed(), WAIT);
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_starts_with_the_first_value() {
        let mut rx = sender(vec![(10, 1), (1, 2)]);
        let start = Instant::now();
        assert_eq!(collect_batch(&mut rx, 10, WAIT).await, [1, 2]);
        // The sender is gone at 11 s, which ends the batch early.
        assert_eq!(start.elapsed(), Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_channel_gives_an_empty_batch() {
        let mut rx = sender(vec![]);
        assert_eq!(collect_batch(&mut rx, 10, WAIT).await, []);
    }
}
// ANCHOR_END: tests
