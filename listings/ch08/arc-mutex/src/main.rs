// ANCHOR: all
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

// ANCHOR: hits
/// Page -> number of hits. Cloning a `Hits` clones the `Arc`: every clone
/// shares the same map.
#[derive(Clone, Default)]
struct Hits {
    pages: Arc<Mutex<BTreeMap<String, u32>>>,
}

impl Hits {
    /// Not async: the lock is taken and released inside, so no caller can
    /// hold it across an `.await`.
    fn record(&self, page: &str) {
        let mut pages = self.pages.lock().unwrap();
        *pages.entry(page.to_string()).or_insert(0) += 1;
    } // the guard is dropped here, and the mutex unlocked

    fn snapshot(&self) -> BTreeMap<String, u32> {
        self.pages.lock().unwrap().clone()
    }
}
// ANCHOR_END: hits

// ANCHOR: main
async fn handle(hits: Hits, page: &'static str) {
    tokio::task::yield_now().await; // stands in for reading the request
    hits.record(page);
    tokio::task::yield_now().await; // stands in for writing the answer
}

#[tokio::main]
async fn main() {
    let hits = Hits::default();

    let mut handlers = Vec::new();
    for page in ["/", "/about", "/", "/blog", "/", "/about"] {
        handlers.push(tokio::spawn(handle(hits.clone(), page)));
    }
    for handler in handlers {
        handler.await.unwrap();
    }
    println!("{:?}", hits.snapshot());
}
// ANCHOR_END: main
// ANCHOR_END: all
