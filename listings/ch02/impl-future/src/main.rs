use futures::executor::block_on;
use std::future::Future;

// ANCHOR: both
// The short way: an async fn.
async fn square(x: u32) -> u32 {
    x * x
}

// The same thing spelled out: an ordinary fn whose body is an async block.
#[allow(clippy::manual_async_fn)] // written out on purpose, to show the type
fn square_by_hand(x: u32) -> impl Future<Output = u32> {
    async move { x * x }
}
// ANCHOR_END: both

// ANCHOR: generic
// Accepts any future whose output is a u32, whoever made it.
fn run<F: Future<Output = u32>>(future: F) -> u32 {
    block_on(future)
}

fn main() {
    println!("square(7)         = {}", run(square(7)));
    println!("square_by_hand(7) = {}", run(square_by_hand(7)));
}
// ANCHOR_END: generic
