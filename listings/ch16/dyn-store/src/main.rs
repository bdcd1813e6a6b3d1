use std::collections::HashMap;

trait Store {
    async fn stock(&self, item: &str) -> Option<u32>;
}

struct Memory(HashMap<String, u32>);

impl Store for Memory {
    async fn stock(&self, item: &str) -> Option<u32> {
        self.0.get(item).copied()
    }
}

/// Always out of stock.
struct Empty;

impl Store for Empty {
    async fn stock(&self, _item: &str) -> Option<u32> {
        None
    }
}

// ANCHOR: all
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let items = HashMap::from([("tea".to_string(), 12)]);
    // Chosen at run time, for example from a configuration file.
    let stores: Vec<Box<dyn Store>> =
        vec![Box::new(Memory(items)), Box::new(Empty)];
    for store in &stores {
        println!("{:?}", store.stock("tea").await);
    }
}
// ANCHOR_END: all
