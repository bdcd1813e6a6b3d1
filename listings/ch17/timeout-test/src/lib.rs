use std::time::Duration;
use tokio::time::timeout;

// ANCHOR: quote
pub const FALLBACK: &str = "no quote today";

/// Waits at most `limit` for `backend`'s quote; after that, gives up on it
/// and answers with the fallback.
pub async fn quote_or_fallback(
    backend: impl Future<Output = String>,
    limit: Duration,
) -> String {
    match timeout(limit, backend).await {
        Ok(quote) => quote,
        Err(_elapsed) => FALLBACK.to_string(),
    }
}
// ANCHOR_END: quote

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, sleep};

    /// A stand-in for the real backend: answers after `delay`.
    async fn backend(delay: Duration) -> String {
        sleep(delay).await;
        format!("answered after {delay:?}")
    }

    const LIMIT: Duration = Duration::from_secs(2);

    #[tokio::test(start_paused = true)]
    async fn a_fast_backend_is_answered() {
        let start = Instant::now();
        let quote = quote_or_fallback(backend(Duration::from_secs(1)), LIMIT);
        assert_eq!(quote.await, "answered after 1s");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_backend_is_cut_off_at_the_limit() {
        let start = Instant::now();
        let quote = quote_or_fallback(backend(Duration::from_secs(3)), LIMIT);
        assert_eq!(quote.await, FALLBACK);
        assert_eq!(start.elapsed(), LIMIT); // not 3 s: we stopped waiting
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_on_the_limit_is_in_time() {
        let quote = quote_or_fallback(backend(LIMIT), LIMIT);
        assert_eq!(quote.await, "answered after 2s");
    }
}
// ANCHOR_END: tests
