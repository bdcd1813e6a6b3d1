use std::collections::BTreeMap;

use anyhow::Result;
use axum::{Router, routing::get};
use futures::future;

// ANCHOR: size
async fn size_of_page(url: &str) -> Result<usize> {
    let response = reqwest::get(url).await?.error_for_status()?;
    let body = response.text().await?;
    Ok(body.len())
}
// ANCHOR_END: size

// ANCHOR: server
/// Starts a small web site on a free port of this machine and returns its
/// address, e.g. `http://127.0.0.1:41234`.
async fn start_server() -> Result<String> {
    let app = Router::new()
        .route("/", get(|| async { "Welcome!".repeat(100) }))
        .route("/about", get(|| async { "About us.".repeat(10) }))
        .route("/news", get(|| async { "Nothing new.".repeat(1000) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}
// ANCHOR_END: server

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<()> {
    let base = start_server().await?;
    let paths = ["/news", "/", "/missing", "/about"];
    let urls: Vec<String> =
        paths.iter().map(|path| format!("{base}{path}")).collect();

    // One future per URL; none of them has started yet.
    let futures_iter = urls.iter().map(|url| size_of_page(url));
    // Run them all at once and wait until every one is done.
    let results: Vec<Result<usize>> = future::join_all(futures_iter).await;

    // join_all keeps the input order, so results[i] belongs to paths[i].
    let page_sizes: BTreeMap<&str, Result<usize>> =
        paths.into_iter().zip(results).collect();
    for (path, size) in &page_sizes {
        match size {
            Ok(bytes) => println!("{path:<9} {bytes:>6} bytes"),
            Err(error) => println!("{path:<9} failed: {error}"),
        }
    }
    Ok(())
}
// ANCHOR_END: main
