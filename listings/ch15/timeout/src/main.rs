use std::pin::{Pin, pin};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep, interval, sleep};

// ANCHOR: timeout
/// The error of a `Timeout` whose deadline came first.
#[derive(Debug)]
struct Elapsed;

pin_project! {
    /// Runs `inner`, unless `sleep` finishes first.
    struct Timeout<F> {
        #[pin]
        inner: F,
        #[pin]
        sleep: Sleep,
        polls: u32, // not pinned: a plain `&mut u32` after projecting
    }
}

fn timeout<F: Future>(limit: Duration, inner: F) -> Timeout<F> {
    Timeout {
        inner,
        sleep: sleep(limit),
        polls: 0,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project(); // Pin<&mut F>, Pin<&mut Sleep>, &mut u32
        *this.polls += 1;
        // The inner future goes first: if it is ready when the deadline
        // comes, its output wins.
        if let Poll::Ready(output) = this.inner.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        ready!(this.sleep.poll(cx)); // returns `Pending` if not due yet
        Poll::Ready(Err(Elapsed))
    }
}
// ANCHOR_END: timeout

async fn work(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let limit = Duration::from_millis(100);
    for ms in [30, 100, 250] {
        println!("work of {ms} ms, limit of 100 ms:");
        let start = Instant::now();
        let mut limited = pin!(timeout(limit, work(ms)));
        let mut progress = interval(Duration::from_millis(40));
        progress.tick().await; // the first tick is at once
        let result = loop {
            // `biased`: poll `limited` first, so that `polls` is the same
            // on every run.
            tokio::select! {
                biased;
                result = &mut limited => break result,
                _ = progress.tick() => {
                    let at = start.elapsed().as_millis();
                    println!("  still waiting at {at} ms");
                }
            }
        };
        let at = start.elapsed().as_millis();
        let polls = limited.polls; // a pinned value can still be read
        println!("  {result:?} at {at} ms, after {polls} polls");
    }
}
// ANCHOR_END: main
