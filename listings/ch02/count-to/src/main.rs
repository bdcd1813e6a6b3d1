// ANCHOR: all
use futures::executor::block_on;

// Calling `count_to` runs none of this body yet: it returns a future.
async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
    }
}

// An async fn may `.await` other async fns.
async fn async_main(count: u32) {
    count_to(count).await;
    println!("Done counting to {count}.");
}

// ANCHOR: block-on
// `main` is an ordinary function: it hands the future to an executor,
// which runs it to completion.
fn main() {
    block_on(async_main(3));
}
// ANCHOR_END: block-on
// ANCHOR_END: all
