use std::collections::HashMap;
use std::io;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

/// An async client, the kind a library gives you. The sleeps stand in for
/// round trips to a price server.
pub struct Client {
    prices: HashMap<&'static str, u32>,
}

impl Client {
    pub async fn connect() -> io::Result<Client> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let prices = HashMap::from([("apple", 40), ("pear", 55)]);
        Ok(Client { prices })
    }

    pub async fn price(&self, item: &str) -> Option<u32> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        self.prices.get(item).copied()
    }
}

/// The same client for synchronous code: every method blocks the calling
/// thread until the async method it wraps has finished.
pub struct BlockingClient {
    inner: Client,
    runtime: Runtime,
}

impl BlockingClient {
    pub fn connect() -> io::Result<BlockingClient> {
        let runtime = Builder::new_current_thread().enable_all().build()?;
        let inner = runtime.block_on(Client::connect())?;
        Ok(BlockingClient { inner, runtime })
    }

    pub fn price(&self, item: &str) -> Option<u32> {
        self.runtime.block_on(self.inner.price(item))
    }
}

/// The same synchronous helper as before, unchanged.
fn price_report(items: &[&str]) -> io::Result<String> {
    let client = BlockingClient::connect()?;
    let mut report = String::new();
    for item in items {
        match client.price(item) {
            Some(cents) => report += &format!("{item}: {cents} cents\n"),
            None => report += &format!("{item}: no price\n"),
        }
    }
    Ok(report)
}

// ANCHOR: main
#[tokio::main]
async fn main() -> io::Result<()> {
    println!("building the report");
    // The closure runs on tokio's blocking pool, where blocking is allowed.
    // The `BlockingClient` is created, used and dropped there.
    let report = tokio::task::spawn_blocking(|| {
        price_report(&["apple", "pear", "plum"])
    })
    .await
    .expect("the report panicked")?;
    print!("{report}");
    Ok(())
}
// ANCHOR_END: main
