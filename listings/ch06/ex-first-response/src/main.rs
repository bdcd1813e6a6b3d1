// The starter leaves the parameters and most variants for you to use.
#![allow(unused_variables, dead_code)]

use std::future::Future;

use tokio::time::{Duration, sleep};

// ANCHOR: all
/// What asking two mirrors for the same thing can end in.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The first successful answer.
    Answer(String),
    /// Both mirrors answered, and both with an error.
    AllFailed,
    /// No successful answer arrived within the time limit.
    TimedOut,
}

/// Asks two mirrors at once and returns the first successful answer. A
/// mirror that fails is ignored while the other may still succeed. Gives
/// up after `limit`.
async fn first_response(
    primary: impl Future<Output = Result<String, String>>,
    backup: impl Future<Output = Result<String, String>>,
    limit: Duration,
) -> Outcome {
    // Race the two mirrors with tokio::select!, and put the race under
    // tokio::time::timeout.
    todo!("race {limit:?}")
}

/// A pretend mirror: answers with `result` after `delay_ms` milliseconds.
async fn mirror(
    delay_ms: u64,
    result: Result<&str, &str>,
) -> Result<String, String> {
    sleep(Duration::from_millis(delay_ms)).await;
    result.map(String::from).map_err(String::from)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let outcome = first_response(
        mirror(300, Ok("from the primary")),
        mirror(100, Ok("from the backup")),
        Duration::from_secs(1),
    )
    .await;
    println!("{outcome:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    const LIMIT: Duration = Duration::from_millis(500);

    #[tokio::test(start_paused = true)]
    async fn the_faster_mirror_wins() {
        let start = Instant::now();
        let outcome = first_response(
            mirror(100, Ok("primary")),
            mirror(200, Ok("backup")),
            LIMIT,
        )
        .await;
        assert_eq!(outcome, Outcome::Answer("primary".to_string()));
        assert_eq!(start.elapsed(), Duration::from_millis(100));

        let outcome = first_response(
            mirror(300, Ok("primary")),
            mirror(200, Ok("backup")),
            LIMIT,
        )
        .await;
        assert_eq!(outcome, Outcome::Answer("backup".to_string()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_does_not_end_the_race() {
        let start = Instant::now();
        let outcome = first_response(
            mirror(50, Err("broken")),
            mirror(300, Ok("backup")),
            LIMIT,
        )
        .await;
        assert_eq!(outcome, Outcome::Answer("backup".to_string()));
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn both_failing_is_reported_at_once() {
        let start = Instant::now();
        let outcome = first_response(
            mirror(50, Err("broken")),
            mirror(80, Err("down")),
            LIMIT,
        )
        .await;
        assert_eq!(outcome, Outcome::AllFailed);
        assert_eq!(start.elapsed(), Duration::from_millis(80));
    }

    #[tokio::test(start_paused = true)]
    async fn too_slow_times_out_at_the_limit() {
        let start = Instant::now();
        let outcome = first_response(
            mirror(600, Ok("primary")),
            mirror(900, Ok("backup")),
            LIMIT,
        )
        .await;
        assert_eq!(outcome, Outcome::TimedOut);
        assert_eq!(start.elapsed(), LIMIT);
    }
}
// ANCHOR_END: all
