use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::{Router, extract::State, http::StatusCode, routing::get};
use reqwest::Client;
use tokio::time::Instant;

/// Starts a server on a free port and returns its address. `/flaky` answers
/// "503 Service Unavailable" to its first three requests and "200 OK" after
/// that; `/down` answers 503 every time. Both answer at once.
async fn start_server() -> Result<String> {
    let failures_left = Arc::new(AtomicUsize::new(3));
    let flaky = async |State(left): State<Arc<AtomicUsize>>| {
        let before =
            left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                n.checked_sub(1)
            });
        match before {
            Ok(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy, try later"),
            Err(_) => (StatusCode::OK, "here you are"),
        }
    };
    let app = Router::new()
        .route("/flaky", get(flaky))
        .route("/down", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
        .with_state(failures_left);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}

// ANCHOR: jitter
/// A tiny pseudo-random generator (xorshift64*). A real program would use a
/// random source such as the rand crate; a fixed seed makes this listing
/// print the same delays on every run.
struct Jitter(u64);

impl Jitter {
    /// A number in `0..=max`.
    fn up_to(&mut self, max: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (max + 1)
    }
}
// ANCHOR_END: jitter

// ANCHOR: backoff
/// How long to wait before retry number `retry` (0 for the first retry):
/// the base doubles each time, up to a cap, and the wait is a random time
/// between half of that and all of it ("equal jitter").
fn backoff(retry: u32, jitter: &mut Jitter) -> Duration {
    let base_ms: u64 = 100;
    let cap_ms: u64 = 2_000;
    let exp_ms = base_ms.saturating_mul(1 << retry.min(16)).min(cap_ms);
    Duration::from_millis(exp_ms / 2 + jitter.up_to(exp_ms / 2))
}

/// Worth trying again: the server was overloaded or broken for a moment
/// (5xx), or the request timed out or could not connect.
fn is_transient(error: &reqwest::Error) -> bool {
    let server_error = error.status().is_some_and(|s| s.is_server_error());
    server_error || error.is_timeout() || error.is_connect()
}
// ANCHOR_END: backoff

// ANCHOR: retry
/// Runs `attempt` until it succeeds, fails with an error that is not
/// transient, or has failed `max_attempts` times.
async fn retry<T>(
    max_attempts: u32,
    jitter: &mut Jitter,
    mut attempt: impl AsyncFnMut() -> reqwest::Result<T>,
) -> Result<T> {
    let start = Instant::now();
    let mut number = 1;
    loop {
        let at = start.elapsed().as_millis();
        let error = match attempt().await {
            Ok(value) => {
                println!("  attempt {number} at {at:>4} ms: ok");
                return Ok(value);
            }
            Err(error) => error,
        };
        let status = error.status().map(|s| s.to_string()).unwrap_or_default();
        if number >= max_attempts || !is_transient(&error) {
            println!("  attempt {number} at {at:>4} ms: {status}, giving up");
            return Err(error)
                .with_context(|| format!("gave up after {number} attempts"));
        }
        let wait = backoff(number - 1, jitter);
        println!(
            "  attempt {number} at {at:>4} ms: {status}, retrying in {} ms",
            wait.as_millis()
        );
        tokio::time::sleep(wait).await;
        number += 1;
    }
}
// ANCHOR_END: retry

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() -> Result<()> {
    let base = start_server().await?;
    // No idle-connection timer: see the text.
    let client = Client::builder().pool_idle_timeout(None).build()?;
    let mut jitter = Jitter(0x5EED);

    for path in ["/flaky", "/down"] {
        println!("GET {path}");
        let url = format!("{base}{path}");
        let fetch = async || {
            let response = client.get(&url).send().await?.error_for_status()?;
            response.text().await
        };
        match retry(5, &mut jitter, fetch).await {
            Ok(body) => println!("  body: {body:?}"),
            Err(error) => println!("  error: {error:#}"),
        }
    }
    Ok(())
}
// ANCHOR_END: main
