// ANCHOR: all
use std::panic::resume_unwind;
use std::time::Duration;

use tokio::task::{JoinError, JoinSet};
use tokio::time::timeout;

/// Waits at most `deadline` for the tasks in `set`. Returns the outputs
/// of the tasks that finished, in the order they finished, and how many
/// tasks were cancelled. When it returns, no task of the set is left.
pub async fn drain(
    mut set: JoinSet<u32>,
    deadline: Duration,
) -> (Vec<u32>, usize) {
    // ANCHOR: solution
    let mut finished = Vec::new();
    let mut cancelled = 0;
    let mut record = |result: Result<u32, JoinError>| match result {
        Ok(value) => finished.push(value),
        Err(error) if error.is_cancelled() => cancelled += 1,
        Err(error) => resume_unwind(error.into_panic()),
    };

    let collect = async {
        while let Some(result) = set.join_next().await {
            record(result);
        }
    };
    // `join_next` is cancel safe: if the deadline interrupts it, no
    // result is lost, and the tasks that are left stay in the set.
    let _ = timeout(deadline, collect).await;

    set.abort_all();
    while let Some(result) = set.join_next().await {
        // A task that finished before the abort reached it still
        // gives its result.
        record(result);
    }
    (finished, cancelled)
    // ANCHOR_END: solution
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::time::{Instant, sleep};

    /// One task per number: it sleeps that many milliseconds, then
    /// returns the number.
    fn sleepers(all_ms: &[u32]) -> JoinSet<u32> {
        let mut set = JoinSet::new();
        for &ms in all_ms {
            set.spawn(async move {
                sleep(Duration::from_millis(ms.into())).await;
                ms
            });
        }
        set
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_what_finishes_in_time() {
        let set = sleepers(&[300, 100, 5000, 200]);
        let (finished, cancelled) = drain(set, Duration::from_secs(1)).await;
        assert_eq!(finished, vec![100, 200, 300]);
        assert_eq!(cancelled, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn returns_as_soon_as_everything_is_done() {
        let start = Instant::now();
        let set = sleepers(&[200, 100]);
        let (finished, cancelled) = drain(set, Duration::from_secs(10)).await;
        assert_eq!(finished, vec![100, 200]);
        assert_eq!(cancelled, 0);
        assert_eq!(start.elapsed(), Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_tasks_are_gone_when_it_returns() {
        let held = Arc::new(());
        let mut set = JoinSet::new();
        let clone = Arc::clone(&held);
        set.spawn(async move {
            let _held = clone;
            sleep(Duration::from_secs(3600)).await;
            0
        });
        let (_, cancelled) = drain(set, Duration::from_secs(1)).await;
        assert_eq!(cancelled, 1);
        // The task's future, and the `Arc` in it, have been dropped.
        assert_eq!(Arc::strong_count(&held), 1);
    }
}
// ANCHOR_END: all
