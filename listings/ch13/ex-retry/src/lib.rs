// The starter leaves the parameters and the imports for you to use.
#![allow(unused_variables, unused_imports)]

// ANCHOR: all
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::{Client, Response, header::RETRY_AFTER};

/// GETs `url` and returns the body as text. An answer with a 5xx status is
/// tried again, up to `max_attempts` attempts in all. Before each retry it
/// sleeps as long as the answer's `Retry-After` header says, when that is a
/// whole number of seconds; otherwise 100 ms before the first retry and
/// twice as long before each next one (100 ms, 200 ms, 400 ms, ...). Any
/// other error is returned at once. When it gives up, the error says
/// "GET <url> failed after <n> attempts", with the last error as its cause.
pub async fn get_with_retries(
    client: &Client,
    url: &str,
    max_attempts: u32,
) -> Result<String> {
    // Your code here: make the tests below pass. A loop around
    // client.get(url).send(), the response's headers, error_for_status and
    // tokio::time::sleep.
    todo!("GET {url}, at most {max_attempts} attempts")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use axum::http::{StatusCode, header::RETRY_AFTER};
    use axum::response::{IntoResponse, Response};
    use axum::{Router, extract::State, routing::get};
    use tokio::time::Instant;

    /// A server whose `/` fails with `status` for its first `failures`
    /// requests, then answers "here you are". With `retry_after`, each
    /// failure also carries that `Retry-After` header. Returns its address
    /// and the number of requests it has seen.
    async fn server(
        failures: usize,
        status: StatusCode,
        retry_after: Option<&'static str>,
    ) -> (String, Arc<AtomicUsize>) {
        let seen = Arc::new(AtomicUsize::new(0));
        let handler = async move |State(seen): State<Arc<AtomicUsize>>| {
            if seen.fetch_add(1, Ordering::Relaxed) >= failures {
                return (StatusCode::OK, "here you are").into_response();
            }
            let mut response: Response = (status, "not now").into_response();
            if let Some(seconds) = retry_after {
                let value = seconds.parse().unwrap();
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
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
    /// sleeps are timers on the paused clock.
    fn client() -> Client {
        Client::builder().pool_idle_timeout(None).build().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_it_works() {
        let (url, seen) =
            server(2, StatusCode::SERVICE_UNAVAILABLE, None).await;
        let start = Instant::now();
        let body = get_with_retries(&client(), &url, 5).await.unwrap();
        assert_eq!(body, "here you are");
        assert_eq!(seen.load(Ordering::Relaxed), 3);
        // Waited 100 ms, then 200 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_attempts() {
        let (url, seen) = server(100, StatusCode::BAD_GATEWAY, None).await;
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
        let (url, seen) = server(100, StatusCode::NOT_FOUND, None).await;
        let start = Instant::now();
        let error = get_with_retries(&client(), &url, 4).await.unwrap_err();
        assert_eq!(seen.load(Ordering::Relaxed), 1);
        assert_eq!(start.elapsed(), Duration::ZERO);
        let message = format!("{error:#}");
        assert!(message.contains("404 Not Found"), "{message}");
    }

    #[tokio::test(start_paused = true)]
    async fn waits_as_long_as_retry_after_says() {
        let busy = StatusCode::SERVICE_UNAVAILABLE;
        let (url, seen) = server(2, busy, Some("3")).await;
        let start = Instant::now();
        let body = get_with_retries(&client(), &url, 5).await.unwrap();
        assert_eq!(body, "here you are");
        assert_eq!(seen.load(Ordering::Relaxed), 3);
        // Waited 3 s twice, as the server asked, instead of 100 and 200 ms.
        assert_eq!(start.elapsed(), Duration::from_secs(6));
    }

    #[tokio::test(start_paused = true)]
    async fn ignores_a_retry_after_it_cannot_read() {
        let busy = StatusCode::SERVICE_UNAVAILABLE;
        let (url, seen) = server(1, busy, Some("soon")).await;
        let start = Instant::now();
        get_with_retries(&client(), &url, 5).await.unwrap();
        assert_eq!(seen.load(Ordering::Relaxed), 2);
        // Not a number of seconds: the usual 100 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(100));
    }
}
// ANCHOR_END: all
