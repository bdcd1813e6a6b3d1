use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::{AbortHandle, yield_now};

// ANCHOR: noisy
/// Prints when the task that owns it is dropped.
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("  {}: dropped", self.0);
    }
}
// ANCHOR_END: noisy

// ANCHOR: all
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    // ANCHOR: idle
    println!("An idle task:");
    let sleeper = tokio::spawn(async {
        let _noisy = Noisy("sleeper");
        println!("  sleeper: going to sleep for an hour");
        tokio::time::sleep(Duration::from_secs(3600)).await;
        println!("  sleeper: woke up");
    });
    yield_now().await; // let it run up to its sleep
    sleeper.abort();
    let error = sleeper.await.unwrap_err();
    println!("  is_cancelled: {}", error.is_cancelled());
    // ANCHOR_END: idle

    // ANCHOR: running
    println!("A running task that reaches an .await:");
    let (tx, rx) = oneshot::channel::<AbortHandle>();
    let worker = tokio::spawn(async move {
        let _noisy = Noisy("worker");
        // Someone aborts us while we are running. Here it is the
        // task itself, so that the moment is always the same.
        rx.await.unwrap().abort();
        println!("  worker: still running after abort()");
        yield_now().await;
        println!("  worker: after the .await");
    });
    tx.send(worker.abort_handle()).unwrap();
    let error = worker.await.unwrap_err();
    println!("  is_cancelled: {}", error.is_cancelled());
    // ANCHOR_END: running

    // ANCHOR: no-await
    println!("A running task that never reaches an .await:");
    let (tx, rx) = oneshot::channel::<AbortHandle>();
    let sprinter = tokio::spawn(async move {
        let _noisy = Noisy("sprinter");
        rx.await.unwrap().abort();
        println!("  sprinter: still running after abort()");
        42
    });
    tx.send(sprinter.abort_handle()).unwrap();
    println!("  result: {:?}", sprinter.await);
    // ANCHOR_END: no-await
}
// ANCHOR_END: all
