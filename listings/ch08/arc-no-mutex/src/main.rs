use std::collections::BTreeMap;
use std::sync::Arc;

// ANCHOR: all
#[tokio::main]
async fn main() {
    // Page -> number of hits, shared by every request handler.
    let hits: Arc<BTreeMap<String, u32>> = Arc::new(BTreeMap::new());

    let mut handlers = Vec::new();
    for page in ["/", "/about", "/"] {
        let hits = Arc::clone(&hits);
        handlers.push(tokio::spawn(async move {
            *hits.entry(page.to_string()).or_insert(0) += 1;
        }));
    }
    for handler in handlers {
        handler.await.unwrap();
    }
    println!("{hits:?}");
}
// ANCHOR_END: all
