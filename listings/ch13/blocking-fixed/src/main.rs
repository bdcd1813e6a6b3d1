use anyhow::Result;
use axum::{Router, routing::get};

/// Starts a small web site on a free port of this machine and returns its
/// address, as in chapter 6.
async fn start_server() -> Result<String> {
    let app = Router::new().route("/", get(|| async { "Hello from axum!" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}

// ANCHOR: blocking-fn
/// Synchronous code, as an older library might have it: it blocks the
/// calling thread until the answer is there.
fn fetch_blocking(url: &str) -> reqwest::Result<String> {
    reqwest::blocking::get(url)?.error_for_status()?.text()
}
// ANCHOR_END: blocking-fn

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<()> {
    let url = start_server().await?;

    // Fix 1: in async code, use the async client and .await it.
    let client = reqwest::Client::new();
    let response = client.get(&url).send().await?.error_for_status()?;
    let body = response.text().await?;
    println!("async client:   {body:?}");

    // ANCHOR: spawn-blocking
    // Fix 2: keep the blocking code, and run it on tokio's blocking pool.
    // The first ? is for the JoinHandle (did the closure panic?), the
    // second for the request itself.
    let body =
        tokio::task::spawn_blocking(move || fetch_blocking(&url)).await??;
    // ANCHOR_END: spawn-blocking
    println!("spawn_blocking: {body:?}");
    Ok(())
}
// ANCHOR_END: main
