use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Sleep, sleep};

#[derive(Debug)]
struct Elapsed;

// ANCHOR: timeout
/// Runs `inner`, unless `sleep` finishes first.
struct Timeout<F> {
    inner: F,
    sleep: Sleep,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut(); // a plain `&mut Timeout<F>`, we hope
        if let Poll::Ready(v) = Pin::new(&mut this.inner).poll(cx) {
            return Poll::Ready(Ok(v));
        }
        match Pin::new(&mut this.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
            Poll::Pending => Poll::Pending,
        }
    }
}
// ANCHOR_END: timeout

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let limited = Timeout {
        inner: async { 42 },
        sleep: sleep(Duration::from_millis(100)),
    };
    println!("{:?}", limited.await);
}
