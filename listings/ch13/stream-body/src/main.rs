use std::convert::Infallible;

use anyhow::{Context, Result};
use axum::{Router, body::Body, routing::get};
use bytes::Bytes;
use futures::stream;
use reqwest::Client;

const PIECES: usize = 512;
const PIECE: usize = 64 * 1024;

/// Starts a server on a free port and returns its address. `/big` sends a
/// body of 512 pieces of 64 KiB (32 MiB), made one piece at a time.
async fn start_server() -> Result<String> {
    let big = || async {
        let pieces = (0..PIECES).map(|i| {
            let byte = (i % 251) as u8;
            Ok::<_, Infallible>(Bytes::from(vec![byte; PIECE]))
        });
        Body::from_stream(stream::iter(pieces))
    };
    let app = Router::new().route("/big", get(big));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// A checksum (FNV-1a) that does not depend on how the bytes were cut up.
fn add_to_checksum(checksum: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(checksum, |sum, &b| {
        (sum ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ANCHOR: whole
/// Reads the whole body into one buffer, then looks at it.
async fn all_at_once(client: &Client, url: &str) -> Result<()> {
    let response = client.get(url).send().await?.error_for_status()?;
    let body = response.bytes().await.context("reading the body")?;
    let checksum = add_to_checksum(FNV_START, &body);
    println!("bytes(): {} bytes in one buffer", body.len());
    println!("  checksum {checksum:016x}");
    Ok(())
}
// ANCHOR_END: whole

// ANCHOR: streamed
/// Looks at each chunk as it arrives, and keeps none of them.
async fn chunk_by_chunk(client: &Client, url: &str) -> Result<()> {
    let mut response = client.get(url).send().await?.error_for_status()?;
    let (mut total, mut chunks, mut largest) = (0, 0, 0);
    let mut checksum = FNV_START;
    while let Some(chunk) = response.chunk().await.context("reading")? {
        total += chunk.len();
        chunks += 1;
        largest = largest.max(chunk.len());
        checksum = add_to_checksum(checksum, &chunk);
        // `chunk` is dropped here, before the next one is read.
    }
    println!(
        "chunk(): {total} bytes in {chunks} chunks, largest {largest} bytes"
    );
    println!("  checksum {checksum:016x}");
    Ok(())
}
// ANCHOR_END: streamed

#[tokio::main]
async fn main() -> Result<()> {
    let url = format!("{}/big", start_server().await?);
    let client = Client::new();
    all_at_once(&client, &url).await?;
    chunk_by_chunk(&client, &url).await?;
    Ok(())
}
