use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

// ANCHOR: trait
/// Somewhere to look up the stock of an item.
trait Store {
    async fn stock(&self, item: &str) -> Option<u32>;
}
// ANCHOR_END: trait

// ANCHOR: memory
/// A store kept in memory: it answers at once.
struct Memory(HashMap<String, u32>);

impl Store for Memory {
    async fn stock(&self, item: &str) -> Option<u32> {
        self.0.get(item).copied()
    }
}
// ANCHOR_END: memory

// ANCHOR: remote
/// A store on another machine: every answer takes 50 ms.
struct Remote(Memory);

impl Store for Remote {
    // The same method, written as the `fn` that `async fn` stands for.
    fn stock(&self, item: &str) -> impl Future<Output = Option<u32>> {
        // This line runs when `stock` is called, before any `.await`.
        println!("  (request for {item} sent)");
        async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            self.0.stock(item).await
        }
    }
}
// ANCHOR_END: remote

// ANCHOR: generic
/// Works with any store: `S` is known at compile time.
async fn report<S: Store>(store: &S, item: &str) {
    let start = Instant::now();
    let future = store.stock(item);
    println!("  future for {item} created");
    let stock = future.await;
    let ms = start.elapsed().as_millis();
    println!("  {item}: {stock:?} after {ms} ms");
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let items =
        HashMap::from([("tea".to_string(), 12), ("jam".to_string(), 3)]);
    let memory = Memory(items.clone());
    let remote = Remote(Memory(items));

    println!("memory:");
    report(&memory, "tea").await;
    report(&memory, "rice").await;
    println!("remote:");
    report(&remote, "jam").await;
}
// ANCHOR_END: generic
