use std::time::Duration;

use tokio::time::sleep;
use tracing::{info, instrument};

// ANCHOR: handlers
/// Handles one request. `#[instrument]` wraps the body in a span named
/// after the function, with the arguments as fields (`skip` leaves one
/// out).
#[instrument(skip(delay))]
async fn handle(request: u32, delay: Duration) {
    info!("started");
    sleep(delay).await;
    let rows = query(request).await;
    info!(rows, "finished");
}

/// A database query, in a span of its own inside the caller's span.
#[instrument]
async fn query(request: u32) -> usize {
    sleep(Duration::from_millis(5)).await;
    info!("query done");
    request as usize * 2
}
// ANCHOR_END: handlers

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    // Events go to stdout, without timestamps, colors or the module path,
    // so that the book can check the output.
    tracing_subscriber::fmt()
        .without_time()
        .with_ansi(false)
        .with_target(false)
        .with_writer(std::io::stdout)
        .init();

    let first = tokio::spawn(handle(1, Duration::from_millis(20)));
    let second = tokio::spawn(handle(2, Duration::from_millis(10)));
    info!("both requests spawned");
    first.await.unwrap();
    second.await.unwrap();
    info!("all done");
}
// ANCHOR_END: main
