// Until you write `poll`, nothing reads `cx`.
#![allow(unused_variables)]

// ANCHOR: all
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// Polls two futures and finishes with the output of the first one
    /// that is ready. Each poll starts with the future that went second
    /// the time before, so that neither wins every tie.
    pub struct Race<A, B> {
        #[pin]
        first: A,
        #[pin]
        second: B,
        first_goes_first: bool, // not pinned: flipped at every poll
    }
}

/// Races `first` against `second`.
pub fn race<A, B>(first: A, second: B) -> Race<A, B>
where
    A: Future,
    B: Future<Output = A::Output>,
{
    Race {
        first,
        second,
        first_goes_first: true,
    }
}

impl<A, B> Future for Race<A, B>
where
    A: Future,
    B: Future<Output = A::Output>,
{
    type Output = A::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<A::Output> {
        // Your code here: project `self`, flip `first_goes_first`, then
        // poll the two futures in the right order.
        todo!("poll the two futures, alternating which goes first")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    async fn after(ms: u64, name: &'static str) -> &'static str {
        sleep(Duration::from_millis(ms)).await;
        name
    }

    #[tokio::test(start_paused = true)]
    async fn the_faster_future_wins() {
        let start = Instant::now();
        assert_eq!(race(after(50, "a"), after(20, "b")).await, "b");
        assert_eq!(start.elapsed(), Duration::from_millis(20));
        assert_eq!(race(after(10, "a"), after(20, "b")).await, "a");
    }

    #[tokio::test(start_paused = true)]
    async fn ties_go_to_whichever_future_was_polled_first() {
        // Both ready at the first poll, which starts with `first`.
        assert_eq!(race(async { "a" }, async { "b" }).await, "a");
        // Both pending at the first poll, both ready at the second, which
        // starts with `second`.
        assert_eq!(race(after(30, "a"), after(30, "b")).await, "b");
    }

    #[tokio::test(start_paused = true)]
    async fn works_pinned_on_the_stack_and_in_select() {
        let mut raced = std::pin::pin!(race(after(40, "a"), after(60, "b")));
        tokio::select! {
            winner = &mut raced => assert_eq!(winner, "a"),
            _ = sleep(Duration::from_millis(100)) => panic!("too slow"),
        }
    }
}
// ANCHOR_END: all
