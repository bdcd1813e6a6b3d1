use std::sync::Mutex;

use tokio::time::{Duration, sleep};

static VISITORS: Mutex<u32> = Mutex::new(0);

// ANCHOR: visit
/// Counts a visitor, then pretends to write the count to a slow log.
async fn visit() {
    let count = {
        let mut count = VISITORS.lock().unwrap();
        *count += 1;
        *count
    }; // the guard is dropped here, before the `.await`
    sleep(Duration::from_millis(10)).await;
    println!("visitor number {count}");
}
// ANCHOR_END: visit

// ANCHOR: main
#[tokio::main]
async fn main() {
    // The spawn that failed before, three times: it compiles now. Each visit
    // is awaited before the next starts, so the lines come out in order.
    for _ in 0..3 {
        tokio::spawn(visit()).await.unwrap();
    }
    println!("{} visitors in total", VISITORS.lock().unwrap());
}
// ANCHOR_END: main
