use std::time::{Duration, Instant};

use anyhow::Result;
use axum::{Router, routing::get};
use reqwest::Client;

/// Starts a server on a free port and returns its address. `/fast` answers
/// at once; `/slow` takes ten seconds, like a server that is stuck.
async fn start_server() -> Result<String> {
    let app = Router::new()
        .route("/fast", get(|| async { "fast answer" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "slow answer"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}

// ANCHOR: report
/// Sends one request and says how it ended, and after how long.
async fn report(label: &str, request: reqwest::RequestBuilder) {
    use std::error::Error as _; // for error.source()

    let start = Instant::now();
    let result = request.send().await;
    let ms = start.elapsed().as_millis();
    match result {
        Ok(response) => {
            println!("{label}: {} after {ms} ms", response.status());
        }
        Err(error) => {
            let timeout = error.is_timeout();
            println!("{label}: error after {ms} ms, is_timeout: {timeout}");
            println!("  {error}");
            if let Some(source) = error.source() {
                println!("  caused by: {source}");
            }
        }
    }
}
// ANCHOR_END: report

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<()> {
    let base = start_server().await?;

    // Every request of this client gives up after one second...
    let client = Client::builder()
        .connect_timeout(Duration::from_millis(500))
        .timeout(Duration::from_secs(1))
        .build()?;

    report("fast", client.get(format!("{base}/fast"))).await;
    report("slow", client.get(format!("{base}/slow"))).await;
    // ...unless a request sets its own limit, which replaces the client's.
    let impatient = client
        .get(format!("{base}/slow"))
        .timeout(Duration::from_millis(200));
    report("slow, 200 ms", impatient).await;
    Ok(())
}
// ANCHOR_END: main
