use std::time::Duration;

use tokio::time::sleep;
use tracing::{Instrument, info, info_span};

// ANCHOR: handle
/// Handles one request, in a span that is entered only while the future
/// is being polled.
async fn handle(request: u32, delay: Duration) {
    let span = info_span!("handle", request);
    async move {
        info!("started");
        sleep(delay).await;
        info!("finished");
    }
    .instrument(span)
    .await
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
