// The starter leaves `self` and `cx` for you to use.
#![allow(unused_variables, dead_code)]

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

// ANCHOR: exercise
/// A stream that passes on the items of `inner`, except an item equal to
/// the one it passed on just before.
pub struct Dedup<S: Stream> {
    inner: S,
    last: Option<S::Item>,
}

impl<S: Stream> Dedup<S> {
    pub fn new(inner: S) -> Self {
        Dedup { inner, last: None }
    }
}

impl<S> Stream for Dedup<S>
where
    S: Stream + Unpin,
    S::Item: Clone + PartialEq + Unpin,
{
    type Item = S::Item;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<S::Item>> {
        // Poll the inner stream with `Pin::new(&mut ...).poll_next(cx)`
        // until it gives a new item, ends, or is not ready.
        todo!()
    }
}
// ANCHOR_END: exercise

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use futures::stream;
    use std::future::Future;
    use tokio::sync::mpsc;
    use tokio::time::{Duration, Instant, sleep, timeout};
    use tokio_stream::wrappers::ReceiverStream;

    /// Fails the test, instead of hanging it, if `check` gets stuck.
    async fn within_a_second(check: impl Future<Output = ()>) {
        timeout(Duration::from_secs(1), check)
            .await
            .expect("Dedup got stuck: was its task left without a wake-up?");
    }

    #[tokio::test(start_paused = true)]
    async fn skips_an_item_equal_to_the_one_before() {
        within_a_second(async {
            let numbers = stream::iter([1, 1, 2, 2, 2, 3, 1, 1]);
            let kept: Vec<i32> = Dedup::new(numbers).collect().await;
            assert_eq!(kept, [1, 2, 3, 1]);
        })
        .await;
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_stream_stays_empty() {
        within_a_second(async {
            let nothing = stream::iter(Vec::<i32>::new());
            let kept: Vec<i32> = Dedup::new(nothing).collect().await;
            assert_eq!(kept, []);
        })
        .await;
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_inner_stream_and_passes_items_on_at_once() {
        // "a" at 0 ms, "a" again at 10 ms, "b" at 20 ms, the end at 30 ms.
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            for word in ["a", "a", "b"] {
                tx.send(word).await.expect("the receiver is alive");
                sleep(Duration::from_millis(10)).await;
            }
        });
        let start = Instant::now();
        let mut words = Dedup::new(ReceiverStream::new(rx));
        within_a_second(async {
            assert_eq!(words.next().await, Some("a"));
            assert_eq!(start.elapsed(), Duration::ZERO);
            assert_eq!(words.next().await, Some("b"));
            assert_eq!(start.elapsed(), Duration::from_millis(20));
            assert_eq!(words.next().await, None);
            assert_eq!(start.elapsed(), Duration::from_millis(30));
        })
        .await;
    }
}
// ANCHOR_END: tests
