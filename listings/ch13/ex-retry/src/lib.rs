// The starter leaves the parameter and the imports for you to use.
#![allow(unused_variables, unused_imports)]

// ANCHOR: all
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::Client;

/// GETs `url` and returns the body as text. An answer with a 5xx status is
/// tried again, up to `max_attempts` attempts in all, sleeping 100 ms
/// before the first retry and twice as long before each next one (100 ms,
/// 200 ms, 400 ms, ...). Any other error is returned at once. When it gives
/// up, the error says "GET <url> failed after <n> attempts", with the last
/// error as its cause.
pub async fn get_with_retries(
    client: &Client,
    url: &str,
    max_attempts: u32,
) -> Result<String> {
    // Your code here: make the tests below pass. A loop around
    // client.get(url).send(), error_for_status and tokio::time::sleep.
    todo!("GET {url}, at most {max_attempts} attempts")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use axum::{Router, extract::State, http::StatusCode, routing::get};
    use tokio::time::Instant;

    /// A server whose `/` fails with `status` for its first `failures`
    /// requests, then answers "here you are". Returns its address and the
    /// number of requests it has seen.
    async fn server(
        failures: usize,
        status: StatusCode,
    ) -> (String, Arc<AtomicUsize>) {
        let seen = Arc::new(AtomicUsize::new(0));
        let handler = async move |State(seen): State<Arc<AtomicUsize>>| {
            if seen.fetch_add(1, Ordering::Relaxed) < failures {
                (status, "not now")
            } else {
                (StatusCode::OK, "here you are")
            }
        };
        let app = Router::new()
            .route("/", get(handler))
            .with_state(seen.clone());
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{address}/"), seen)
    }

    /// A client with no idle-connection timer, so that only the retry
    /// sleeps move the paused clock.
    fn client() -> Client {
        Client::builder().pool_idle_timeout(None).build().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_it_works() {
        let (url, seen) = server(2, StatusCode::SERVICE_UNAVAILABLE).await;
        let start = Instant::now();
        let body = get_with_retries(&client(), &url, 5).await.unwrap();
        assert_eq!(body, "here you are");
        assert_eq!(seen.load(Ordering::Relaxed), 3);
        // Waited 100 ms, then 200 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_attempts() {
        let (url, seen) = server(100, StatusCode::BAD_GATEWAY).await;
        let start = Instant::now();
        let error = get_with_retries(&client(), &url, 4).await.unwrap_err();
        assert_eq!(seen.load(Ordering::Relaxed), 4);
        // Waited 100, 200 and 400 ms; no wait after the last attempt.
        assert_eq!(start.elapsed(), Duration::from_millis(700));
        let message = format!("{error:#}");
        assert!(message.contains("failed after 4 attempts"), "{message}");
        assert!(message.contains("502 Bad Gateway"), "{message}");
    }

    #[tokio::test(start_paused = true)]
    async fn does_not_retry_a_client_error() {
        let (url, seen) = server(100, StatusCode::NOT_FOUND).await;
        let start = Instant::now();
        let error = get_with_retries(&client(), &url, 4).await.unwrap_err();
        assert_eq!(seen.load(Ordering::Relaxed), 1);
        assert_eq!(start.elapsed(), Duration::ZERO);
        let message = format!("{error:#}");
        assert!(message.contains("404 Not Found"), "{message}");
    }
}
// ANCHOR_END: all
