use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Result;
use axum::{Router, routing::get, serve::ListenerExt};
use reqwest::Client;

// ANCHOR: server
/// Starts a server on a free port and returns its address. Every TCP
/// connection the server accepts adds one to `accepted`.
async fn start_server(accepted: Arc<AtomicUsize>) -> Result<String> {
    let app = Router::new().route("/", get(|| async { "pong" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    // tap_io runs the closure on each new connection, before axum sees it.
    let listener = listener.tap_io(move |_tcp_stream| {
        accepted.fetch_add(1, Ordering::Relaxed);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}
// ANCHOR_END: server

// ANCHOR: clients
const REQUESTS: usize = 50;

/// One client, built once, sends every request.
async fn shared_client(url: &str) -> Result<()> {
    let client = Client::new();
    for _ in 0..REQUESTS {
        client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
    }
    Ok(())
}

/// A new client for every request, as `reqwest::get` does.
async fn client_per_request(url: &str) -> Result<()> {
    for _ in 0..REQUESTS {
        let client = Client::new();
        client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
    }
    Ok(())
}
// ANCHOR_END: clients

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let accepted = Arc::new(AtomicUsize::new(0));
    let url = start_server(accepted.clone()).await?;

    let start = Instant::now();
    shared_client(&url).await?;
    report("one shared client", start, &accepted);

    let start = Instant::now();
    client_per_request(&url).await?;
    report("a client per request", start, &accepted);
    Ok(())
}

fn report(label: &str, start: Instant, accepted: &AtomicUsize) {
    let ms = start.elapsed().as_millis();
    let connections = accepted.swap(0, Ordering::Relaxed);
    println!("{label}: {REQUESTS} requests in {ms} ms");
    println!("  TCP connections the server accepted: {connections}");
}
// ANCHOR_END: main
