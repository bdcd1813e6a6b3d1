use std::mem::size_of_val;
use tokio::task::yield_now;

// ANCHOR: fns
async fn nothing() {}

async fn small() -> u64 {
    let x: u64 = 7;
    yield_now().await; // `x` is used after this point: it is kept
    x
}

async fn holds_buffer() -> u8 {
    let buffer = [1u8; 1024];
    yield_now().await; // `buffer` is used after this point: it is kept
    buffer[0]
}

async fn drops_buffer() -> u8 {
    let first = {
        let buffer = [1u8; 1024];
        buffer[0]
    }; // `buffer` is gone before the await: only `first` is kept
    yield_now().await;
    first
}

async fn calls_twice() -> u8 {
    // Only one of the two inner futures exists at a time.
    holds_buffer().await + holds_buffer().await
}

async fn keeps_and_calls() -> u8 {
    let mine = [2u8; 1024];
    holds_buffer().await + mine[0] // `mine` lives across the inner await
}
// ANCHOR_END: fns

// ANCHOR: main
fn main() {
    // Creating a future runs none of its code; we only measure it.
    println!("{:>5} bytes  nothing()", size_of_val(&nothing()));
    println!("{:>5} bytes  yield_now()", size_of_val(&yield_now()));
    println!("{:>5} bytes  small()", size_of_val(&small()));
    println!("{:>5} bytes  holds_buffer()", size_of_val(&holds_buffer()));
    println!("{:>5} bytes  drops_buffer()", size_of_val(&drops_buffer()));
    println!("{:>5} bytes  calls_twice()", size_of_val(&calls_twice()));
    let big = keeps_and_calls();
    println!("{:>5} bytes  keeps_and_calls()", size_of_val(&big));
    println!(
        "{:>5} bytes  Box::pin(keeps_and_calls())",
        size_of_val(&Box::pin(big))
    );
}
// ANCHOR_END: main
