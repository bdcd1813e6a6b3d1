// Until you fill in `poll`, nothing reads the fields or `cx`.
#![allow(dead_code, unused_variables)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: exercise
/// A future that returns `Pending` `times` times, each time asking to be
/// polled again at once, and then returns `Ready` with the number of polls.
struct YieldTimes {
    left: u32,
    polls: u32,
}

impl YieldTimes {
    fn new(times: u32) -> YieldTimes {
        YieldTimes {
            left: times,
            polls: 0,
        }
    }
}

impl Future for YieldTimes {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        todo!("count this poll; if any yields are left, wake and say Pending")
    }
}
// ANCHOR_END: exercise

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let polls = YieldTimes::new(3).await;
    println!("polled {polls} times");
}

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::task::{Wake, Waker};
    use std::time::Duration;

    /// A waker that counts how often it was woken.
    struct CountWakes(AtomicU32);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn pending_three_times_then_ready() {
        let counter = Arc::new(CountWakes(AtomicU32::new(0)));
        let waker = Waker::from(Arc::clone(&counter));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(YieldTimes::new(3));
        for wakes in 1..=3 {
            assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
            // Every Pending must come with a way to be polled again.
            assert_eq!(counter.0.load(Ordering::SeqCst), wakes);
        }
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(4));
        assert_eq!(counter.0.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn zero_times_is_ready_at_once() {
        let mut cx = Context::from_waker(Waker::noop());
        let mut future = pin!(YieldTimes::new(0));
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(1));
    }

    // On a paused clock a runtime with nothing left to do jumps to the
    // next timer: if YieldTimes forgot to wake, the timeout would fire
    // instead of the test hanging.
    #[tokio::test(start_paused = true)]
    async fn a_runtime_polls_it_to_the_end() {
        let polls =
            tokio::time::timeout(Duration::from_secs(1), YieldTimes::new(1000));
        assert_eq!(polls.await, Ok(1001));
    }
}
// ANCHOR_END: tests
