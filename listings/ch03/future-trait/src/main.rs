// The trait and the enum below have the same shape as the standard
// library's `std::future::Future` and `std::task::Poll`. They are copied
// here, under the same names, so you can read them next to a future that
// implements them; every other listing uses the real ones.

// ANCHOR: trait
use std::pin::Pin;
use std::task::{Context, Waker};

pub trait Future {
    type Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output>;
}

pub enum Poll<T> {
    Ready(T),
    Pending,
}
// ANCHOR_END: trait

// ANCHOR: impl
/// A future that answers "not yet" the first `remaining` times it is
/// polled, and then produces its output.
struct NotYet {
    remaining: u32,
}

impl Future for NotYet {
    type Output = &'static str;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<&'static str> {
        if self.remaining == 0 {
            return Poll::Ready("done");
        }
        self.remaining -= 1;
        // Rule 2: before returning Pending, make sure someone polls again.
        // Nothing here waits for an event, so ask for it right away.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: impl

// ANCHOR: main
fn main() {
    // A waker that does nothing: this loop polls again anyway.
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = std::pin::pin!(NotYet { remaining: 2 });
    for attempt in 1.. {
        match future.as_mut().poll(&mut cx) {
            Poll::Pending => println!("poll {attempt}: Pending"),
            Poll::Ready(output) => {
                println!("poll {attempt}: Ready({output:?})");
                break;
            }
        }
    }
}
// ANCHOR_END: main
