use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::{Instant, sleep, timeout};

// ANCHOR: permit
/// Waits up to one second for `notify`, and says what happened.
async fn wait(notify: &Notify, who: &str) {
    match timeout(Duration::from_secs(1), notify.notified()).await {
        Ok(()) => println!("{who}: notified"),
        Err(_) => println!("{who}: still waiting after 1 s"),
    }
}

async fn one_permit() {
    let notify = Notify::new();
    // Nobody is waiting yet: the first call stores a permit, the second
    // finds one stored already and changes nothing.
    notify.notify_one();
    notify.notify_one();
    wait(&notify, "first wait").await; // takes the stored permit
    wait(&notify, "second wait").await; // there is none left
}
// ANCHOR_END: permit

// ANCHOR: waiters
async fn everyone_waiting() {
    let notify = Arc::new(Notify::new());
    let start = Instant::now();
    let mut waiters = Vec::new();
    for _ in 0..3 {
        let notify = Arc::clone(&notify);
        waiters.push(tokio::spawn(async move {
            notify.notified().await;
            start.elapsed().as_millis()
        }));
    }
    sleep(Duration::from_millis(100)).await;
    notify.notify_waiters(); // wakes the three, stores no permit
    for (i, waiter) in waiters.into_iter().enumerate() {
        let at = waiter.await.unwrap();
        println!("waiter {} woke up at {at} ms", i + 1);
    }
    notify.notify_waiters(); // nobody is waiting: this one is lost
    wait(&notify, "late waiter").await;
}
// ANCHOR_END: waiters

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    one_permit().await;
    everyone_waiting().await;
}
