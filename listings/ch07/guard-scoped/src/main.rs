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
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let visits: Vec<_> = (0..3).map(|_| tokio::spawn(visit())).collect();
    for visit in visits {
        visit.await.unwrap();
    }
    println!("{} visitors in total", VISITORS.lock().unwrap());
}
// ANCHOR_END: main
