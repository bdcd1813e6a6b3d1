use std::time::Duration;

use tokio::runtime::Handle;

// ANCHOR: sync-lib
/// A function from a synchronous library: it wants a plain closure that
/// returns a price, and knows nothing about futures.
fn total_cost(items: &[&str], price_of: impl Fn(&str) -> u32) -> u32 {
    let mut total = 0;
    for item in items {
        let price = price_of(item);
        println!("{item}: {price} cents");
        total += price;
    }
    total
}
// ANCHOR_END: sync-lib

// ANCHOR: fetch-price
/// The price comes from an async function: ten cents a letter. The sleep
/// stands in for a request to a price server.
async fn fetch_price(item: &str) -> u32 {
    tokio::time::sleep(Duration::from_millis(10)).await;
    item.len() as u32 * 10
}
// ANCHOR_END: fetch-price

// ANCHOR: main
#[tokio::main]
async fn main() {
    // A handle to the runtime that runs `main`; it can be cloned and
    // moved to other threads.
    let handle = Handle::current();
    let total = tokio::task::spawn_blocking(move || {
        // This closure runs on a blocking-pool thread, outside any task,
        // so it may block: each call waits for `fetch_price` to finish.
        total_cost(&["apple", "pear", "plum"], |item| {
            handle.block_on(fetch_price(item))
        })
    })
    .await
    .unwrap();
    println!("total: {total} cents");
}
// ANCHOR_END: main
