use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::oneshot::{self, Receiver};

// ANCHOR: async_fn
async fn add(a: Receiver<u32>, b: Receiver<u32>) -> u32 {
    println!("  waiting for a");
    let a = a.await.unwrap();
    println!("  got a = {a}, waiting for b");
    let b = b.await.unwrap();
    println!("  got b = {b}");
    a + b
}
// ANCHOR_END: async_fn

// ANCHOR: enum
/// What `add` has to remember at each point where it can stop.
enum Add {
    /// Created, not polled yet: only the arguments.
    Start { a: Receiver<u32>, b: Receiver<u32> },
    /// Stopped at `a.await`: the future being awaited, and `b` for later.
    WaitingForA { a: Receiver<u32>, b: Receiver<u32> },
    /// Stopped at `b.await`: the number `a` and the future being awaited.
    WaitingForB { a: u32, b: Receiver<u32> },
    /// Returned its value; must not be polled again.
    Done,
}

fn add_by_hand(a: Receiver<u32>, b: Receiver<u32>) -> Add {
    Add::Start { a, b } // like calling an async fn: nothing runs yet
}
// ANCHOR_END: enum

// ANCHOR: poll
impl Future for Add {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // `Add` holds nothing that cares about moving (it is `Unpin`), so
        // we may take a plain `&mut` out of the `Pin`.
        let state = self.get_mut();
        loop {
            // Take the current state out, leaving `Done` in its place.
            match std::mem::replace(state, Add::Done) {
                Add::Start { a, b } => {
                    println!("  waiting for a");
                    *state = Add::WaitingForA { a, b };
                }
                Add::WaitingForA { mut a, b } => {
                    match Pin::new(&mut a).poll(cx) {
                        Poll::Pending => {
                            *state = Add::WaitingForA { a, b };
                            return Poll::Pending;
                        }
                        Poll::Ready(a) => {
                            let a = a.unwrap();
                            println!("  got a = {a}, waiting for b");
                            *state = Add::WaitingForB { a, b };
                        }
                    }
                }
                Add::WaitingForB { a, mut b } => {
                    match Pin::new(&mut b).poll(cx) {
                        Poll::Pending => {
                            *state = Add::WaitingForB { a, b };
                            return Poll::Pending;
                        }
                        Poll::Ready(b) => {
                            let b = b.unwrap();
                            println!("  got b = {b}");
                            return Poll::Ready(a + b); // state stays Done
                        }
                    }
                }
                Add::Done => panic!("`Add` polled after it returned"),
            }
        }
    }
}
// ANCHOR_END: poll

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("async fn:");
    let (a, b) = numbers_arriving_later();
    let sum = Traced::new(add(a, b)).await;
    println!("  sum = {sum}");

    println!("hand-written state machine:");
    let (a, b) = numbers_arriving_later();
    let sum = Traced::new(add_by_hand(a, b)).await;
    println!("  sum = {sum}");
}

/// Two channels; 2 arrives on the first after 10 ms, 3 on the second
/// after 20 ms (on the paused clock, so at once and always in order).
fn numbers_arriving_later() -> (Receiver<u32>, Receiver<u32>) {
    let (send_a, a) = oneshot::channel();
    let (send_b, b) = oneshot::channel();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(10)).await;
        send_a.send(2).unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
        send_b.send(3).unwrap();
    });
    (a, b)
}
// ANCHOR_END: main

// ANCHOR: traced
/// Wraps a future and prints what each of its polls returned.
struct Traced<F> {
    inner: Pin<Box<F>>, // boxed, so `Traced` may move whatever `F` is
    polls: u32,
}

impl<F> Traced<F> {
    fn new(inner: F) -> Self {
        Traced {
            inner: Box::pin(inner),
            polls: 0,
        }
    }
}

// For any future `F` whose output can be printed with `{:?}`:
impl<F: Future<Output: Debug>> Future for Traced<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let result = self.inner.as_mut().poll(cx);
        println!("  poll {} returned {result:?}", self.polls);
        result
    }
}
// ANCHOR_END: traced
