use std::collections::HashMap;
use std::sync::Arc;

// ANCHOR: trait
pub trait Store {
    // What `async fn` stands for, plus a promise: the future is `Send`.
    fn stock(&self, item: &str) -> impl Future<Output = Option<u32>> + Send;
}

struct Memory(HashMap<String, u32>);

impl Store for Memory {
    // An implementation may still use `async fn`; the compiler checks
    // that its future is `Send`.
    async fn stock(&self, item: &str) -> Option<u32> {
        self.0.get(item).copied()
    }
}
// ANCHOR_END: trait

// ANCHOR: spawn
/// Looks up every item in a task of its own.
async fn stock_all<S>(store: Arc<S>, items: &[&str]) -> Vec<Option<u32>>
where
    S: Store + Send + Sync + 'static,
{
    let mut handles = Vec::new();
    for item in items {
        let store = Arc::clone(&store);
        let item = item.to_string();
        handles.push(tokio::spawn(async move { store.stock(&item).await }));
    }
    let mut stock = Vec::new();
    for handle in handles {
        stock.push(handle.await.unwrap());
    }
    stock
}

#[tokio::main]
async fn main() {
    let items =
        HashMap::from([("tea".to_string(), 12), ("jam".to_string(), 3)]);
    let store = Arc::new(Memory(items));
    println!("{:?}", stock_all(store, &["tea", "rice", "jam"]).await);
}
// ANCHOR_END: spawn
