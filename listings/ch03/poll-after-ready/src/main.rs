use std::future::Future;
use std::pin::pin;
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

// ANCHOR: again
fn main() {
    // `pin!` pins the future where it stands, in this stack frame, and
    // gives us a `Pin<&mut _>` to it: the only way `poll` can be called.
    let mut future = pin!(two_steps());
    println!("created the future: nothing has run yet");

    // A waker that does nothing when woken: we poll in a loop ourselves.
    // This time we poll once more after `Ready`, which breaks the rules.
    let mut cx = Context::from_waker(Waker::noop());
    for n in 1..=3 {
        println!("poll {n}:");
        let result = future.as_mut().poll(&mut cx);
        println!("  returned {result:?}");
    }
}
// ANCHOR_END: again
