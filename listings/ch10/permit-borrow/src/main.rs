use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::sleep;

// ANCHOR: all
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let semaphore = Arc::new(Semaphore::new(3));
    let mut handles = Vec::new();
    for id in 1..=8 {
        let permit = semaphore
            .acquire()
            .await
            .expect("the semaphore is never closed");
        handles.push(tokio::spawn(async move {
            sleep(Duration::from_millis(100)).await;
            drop(permit);
            id
        }));
    }
    for handle in handles {
        println!("job {} done", handle.await.expect("a job panicked"));
    }
}
// ANCHOR_END: all
