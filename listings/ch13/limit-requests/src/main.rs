use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use axum::{Router, extract::State, routing::get, serve::ListenerExt};
use futures::{StreamExt, future, stream};
use reqwest::Client;

// ANCHOR: server
/// What the server counts: connections accepted, requests being handled
/// right now, and the most it ever handled at once.
#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// Each request takes the server 200 ms to answer.
async fn handle(State(counters): State<Arc<Counters>>) -> &'static str {
    let now = counters.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    counters.max_in_flight.fetch_max(now, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(200)).await;
    counters.in_flight.fetch_sub(1, Ordering::Relaxed);
    "done"
}
// ANCHOR_END: server

async fn start_server(counters: Arc<Counters>) -> Result<String> {
    let app = Router::new()
        .route("/", get(handle))
        .with_state(counters.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let listener = listener.tap_io(move |_tcp_stream| {
        counters.connections.fetch_add(1, Ordering::Relaxed);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}

async fn fetch(client: &Client, url: &str) -> Result<String> {
    let response = client.get(url).send().await?.error_for_status()?;
    Ok(response.text().await?)
}

// ANCHOR: main
const REQUESTS: usize = 20;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let counters = Arc::new(Counters::default());
    let url = start_server(counters.clone()).await?;

    // No limit: join_all sends all twenty requests at once.
    let client = Client::new();
    let start = Instant::now();
    let requests = (0..REQUESTS).map(|_| fetch(&client, &url));
    let results = future::join_all(requests).await;
    report("join_all", &results, start, &counters);

    // At most four at a time: buffer_unordered starts a fifth request
    // only when one of the four running ones has finished. A fresh client,
    // so that the count does not include the first one's pooled connections.
    let client = Client::new();
    let start = Instant::now();
    let results: Vec<Result<String>> = stream::iter(0..REQUESTS)
        .map(|_| fetch(&client, &url))
        .buffer_unordered(4)
        .collect()
        .await;
    report("buffer_unordered(4)", &results, start, &counters);
    Ok(())
}
// ANCHOR_END: main

fn report(
    label: &str,
    results: &[Result<String>],
    start: Instant,
    counters: &Counters,
) {
    let ok = results.iter().filter(|result| result.is_ok()).count();
    let ms = start.elapsed().as_millis();
    let connections = counters.connections.swap(0, Ordering::Relaxed);
    let max = counters.max_in_flight.swap(0, Ordering::Relaxed);
    println!("{label}: {ok} of {REQUESTS} ok in {ms} ms");
    println!("  connections opened: {connections}, most at once: {max}");
}
