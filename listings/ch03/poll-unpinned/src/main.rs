use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

// ANCHOR: two_steps
async fn two_steps() -> u32 {
    println!("  step 1");
    // Return Pending once, without asking to be woken: fine here, because
    // we poll by hand and know when to poll again.
    futures::pending!();
    println!("  step 2");
    42
}
// ANCHOR_END: two_steps

// ANCHOR: wrong
fn main() {
    let mut future = two_steps(); // not pinned

    println!("created the future: nothing has run yet");

    // A waker that does nothing when woken: we poll in a loop ourselves.
    let mut cx = Context::from_waker(Waker::noop());
    for n in 1..=2 {
        println!("poll {n}:");
        let result = Pin::new(&mut future).poll(&mut cx);
        println!("  returned {result:?}");
    }
}
// ANCHOR_END: wrong
