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

// ANCHOR: all
#[tokio::main]
async fn main() -> Result<()> {
    let url = start_server().await?;

    println!("calling reqwest::blocking::get from async main");
    // A blocking call made right inside async code.
    let body = reqwest::blocking::get(&url)?.text()?;
    println!("got {body:?}");
    Ok(())
}
// ANCHOR_END: all
