use std::time::Duration;
use tokio::time::sleep;

// ANCHOR: greet
/// Waits for `delay`, then says hello.
pub async fn greet_later(name: &str, delay: Duration) -> String {
    sleep(delay).await;
    format!("hello, {name}")
}
// ANCHOR_END: greet

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::runtime::{Handle, RuntimeFlavor};
    use tokio::time::Instant;

    #[tokio::test]
    async fn runs_on_a_current_thread_runtime() {
        let flavor = Handle::current().runtime_flavor();
        assert_eq!(flavor, RuntimeFlavor::CurrentThread);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_on_two_worker_threads() {
        let handle = Handle::current();
        assert_eq!(handle.runtime_flavor(), RuntimeFlavor::MultiThread);
        assert_eq!(handle.metrics().num_workers(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn an_hour_passes_in_no_time() {
        let real_start = std::time::Instant::now();
        let start = Instant::now(); // tokio's clock, paused

        let greeting = greet_later("Ferris", Duration::from_secs(3600)).await;

        assert_eq!(greeting, "hello, Ferris");
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        assert!(real_start.elapsed() < Duration::from_secs(60));
    }
}
// ANCHOR_END: tests
