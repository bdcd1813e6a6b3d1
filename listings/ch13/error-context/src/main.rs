use anyhow::{Context, Result, bail};
use axum::{Router, routing::get};
use reqwest::Client;
use serde::Deserialize;

/// Starts a server on a free port and returns its address. It serves one
/// good settings file and two bad ones; any other path is a 404.
async fn start_server() -> Result<String> {
    let app = Router::new()
        .route("/good", get(|| async { r#"{"name":"api","workers":8}"# }))
        .route("/broken", get(|| async { r#"{"name":"api","workers":"# }))
        .route("/zero", get(|| async { r#"{"name":"api","workers":0}"# }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}

// ANCHOR: fetch
#[derive(Debug, Deserialize)]
struct Settings {
    name: String,
    workers: u32,
}

async fn fetch_settings(client: &Client, url: &str) -> Result<Settings> {
    let response = client
        .get(url)
        .send()
        .await
        .with_context(|| format!("could not reach {url}"))?
        .error_for_status()
        .context("the server refused")?;
    let body = response.text().await.context("could not read the body")?;
    let settings: Settings =
        serde_json::from_str(&body).context("the body is not settings JSON")?;
    if settings.workers == 0 {
        bail!("{} asks for 0 workers; it needs at least 1", settings.name);
    }
    Ok(settings)
}
// ANCHOR_END: fetch

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<()> {
    let base = start_server().await?;
    let client = Client::new();

    for path in ["/good", "/missing", "/broken", "/zero"] {
        let url = format!("{base}{path}");
        let result = fetch_settings(&client, &url)
            .await
            .with_context(|| format!("loading settings from {path}"));
        match result {
            Ok(settings) => println!("{path}: {settings:?}"),
            Err(error) => {
                println!("{path}:");
                println!("  with {{}}:  {error}");
                println!("  with {{:#}}: {error:#}");
            }
        }
    }

    Ok(())
}
// ANCHOR_END: main
