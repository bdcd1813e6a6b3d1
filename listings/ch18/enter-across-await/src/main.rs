use std::time::Duration;

use tokio::time::sleep;
use tracing::{info, info_span};

// ANCHOR: handle
/// Handles one request, in a span entered by hand. This is the mistake:
/// the guard stays alive across the `.await`.
async fn handle(request: u32, delay: Duration) {
    let span = info_span!("handle", request);
    let _guard = span.enter();
    info!("started");
    sleep(delay).await;
    info!("finished");
}
// ANCHOR_END: handle

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    tracing_subscriber::fmt()
        .without_time()
        .with_ansi(false)
        .with_target(false)
        .with_writer(std::io::stdout)
        .init();

    let first = tokio::spawn(handle(1, Duration::from_millis(20)));
    let second = tokio::spawn(handle(2, Duration::from_millis(10)));
    sleep(Duration::from_millis(5)).await;
    info!("main is waiting");
    sleep(Duration::from_millis(10)).await;
    info!("main is still waiting");
    first.await.unwrap();
    second.await.unwrap();
    info!("all done");
}
// ANCHOR_END: main
