use std::collections::HashMap;
use std::sync::Arc;

// ANCHOR: all
pub trait Store {
    async fn stock(&self, item: &str) -> Option<u32>;
}

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
// ANCHOR_END: all

struct Memory(HashMap<String, u32>);

impl Store for Memory {
    async fn stock(&self, item: &str) -> Option<u32> {
        self.0.get(item).copied()
    }
}

#[tokio::main]
async fn main() {
    let store = Arc::new(Memory(HashMap::from([("tea".to_string(), 12)])));
    println!("{:?}", stock_all(store, &["tea", "jam"]).await);
}
