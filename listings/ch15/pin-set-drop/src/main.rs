use std::cell::Cell;
use std::marker::PhantomPinned;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use futures::poll;

// ANCHOR: tracked
/// A future that is `Pending` for a few polls, then `Ready`. It notes its
/// address at each poll and at its drop, and reports if they differ.
struct Tracked {
    name: &'static str,
    polls_left: Cell<u32>,
    polled_at: Cell<Option<usize>>,
    _pinned: PhantomPinned,
}

impl Tracked {
    fn new(name: &'static str, polls: u32) -> Tracked {
        Tracked {
            name,
            polls_left: Cell::new(polls),
            polled_at: Cell::new(None),
            _pinned: PhantomPinned,
        }
    }

    /// Whether `self` is where it was when it was polled first.
    fn same_place(&self) -> Option<bool> {
        let here = self as *const Tracked as usize;
        self.polled_at.get().map(|at| at == here)
    }
}

impl Future for Tracked {
    type Output = &'static str;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        let this = self.into_ref().get_ref(); // `&Self` needs no `Unpin`
        match this.same_place() {
            None => this.polled_at.set(Some(this as *const _ as usize)),
            Some(same) => {
                println!("  {} polled again in place: {same}", this.name)
            }
        }
        match this.polls_left.get() {
            0 => Poll::Ready(this.name),
            n => {
                this.polls_left.set(n - 1);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        match self.same_place() {
            Some(same) => println!("  {} dropped in place: {same}", self.name),
            None => println!("  {} dropped, never polled", self.name),
        }
    }
}
// ANCHOR_END: tracked

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("pin! and Pin::set:");
    let mut slot = pin!(Tracked::new("first", 5));
    let _ = poll!(slot.as_mut()); // polled once, so pinned for good
    slot.set(Tracked::new("second", 1)); // drops "first" where it is
    println!("  {} is done", slot.as_mut().await);

    println!("Box::pin, then the box moves:");
    let mut boxed = Box::pin(Tracked::new("third", 1));
    let _ = poll!(boxed.as_mut());
    let moved = vec![boxed]; // the box moves; "third" stays on the heap
    for future in moved {
        println!("  {} is done", future.await);
    }
    println!("end of main");
}
// ANCHOR_END: main
