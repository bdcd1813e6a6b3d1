use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::{Stream, StreamExt};
use tokio::time::{Duration, Instant, Sleep, sleep};

// ANCHOR: state
/// A stream that hands out the items of an iterator, one per `period`.
struct Paced<I> {
    items: I,
    period: Duration,
    timer: Pin<Box<Sleep>>,
    polls: u32,
}

impl<I: Iterator> Paced<I> {
    fn new(items: impl IntoIterator<IntoIter = I>, period: Duration) -> Self {
        Paced {
            items: items.into_iter(),
            period,
            // The first item is due at once.
            timer: Box::pin(sleep(Duration::ZERO)),
            polls: 0,
        }
    }
}
// ANCHOR_END: state

// ANCHOR: poll-next
impl<I: Iterator + Unpin> Stream for Paced<I> {
    type Item = I::Item;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<I::Item>> {
        let this = self.get_mut();
        this.polls += 1;
        // Not due yet: the timer keeps our waker and we return Pending.
        ready!(this.timer.as_mut().poll(cx));
        match this.items.next() {
            Some(item) => {
                let next_due = this.timer.deadline() + this.period;
                this.timer.as_mut().reset(next_due);
                Poll::Ready(Some(item))
            }
            None => Poll::Ready(None),
        }
    }
}
// ANCHOR_END: poll-next

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let mut letters = Paced::new(["a", "b", "c"], Duration::from_millis(100));
    while let Some(letter) = letters.next().await {
        let ms = start.elapsed().as_millis();
        println!(
            "{ms:>3} ms: Some({letter:?}), polls so far: {}",
            letters.polls
        );
    }
    let ms = start.elapsed().as_millis();
    println!("{ms:>3} ms: None, polls so far: {}", letters.polls);
}
// ANCHOR_END: main
