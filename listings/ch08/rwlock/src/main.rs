use std::sync::Arc;
use std::time::Duration;
use tokio::sync::RwLock;
use tokio::time::{Instant, sleep};

// ANCHOR: all
/// A reader holds the read lock for 100 ms, across an `.await`: it might
/// be looking each route up in a slow store.
async fn reader(name: &str, routes: Arc<RwLock<Vec<String>>>, at: u64) {
    sleep(Duration::from_millis(at)).await;
    log(&format!("{name} wants to read"));
    let routes = routes.read().await;
    log(&format!("{name} reads {routes:?}"));
    sleep(Duration::from_millis(100)).await;
    log(&format!("{name} is done"));
}

async fn writer(routes: Arc<RwLock<Vec<String>>>, at: u64) {
    sleep(Duration::from_millis(at)).await;
    log("writer wants to write");
    let mut routes = routes.write().await;
    routes.push("/blog".to_string());
    log("writer added a route");
    sleep(Duration::from_millis(10)).await;
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let routes = Arc::new(RwLock::new(vec!["/".to_string()]));
    tokio::join!(
        reader("reader 1", Arc::clone(&routes), 0),
        reader("reader 2", Arc::clone(&routes), 20),
        writer(Arc::clone(&routes), 40),
        reader("reader 3", Arc::clone(&routes), 60),
    );
}

fn log(what: &str) {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(Instant::now);
    println!("{:>4} ms  {what}", start.elapsed().as_millis());
}
// ANCHOR_END: all
