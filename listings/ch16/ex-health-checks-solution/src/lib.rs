use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

// ANCHOR: all
/// A health check. `run` returns a boxed future, so that checks of
/// different types can share a `Vec<Arc<dyn Check>>`.
pub trait Check: Send + Sync {
    fn name(&self) -> &str;
    /// Resolves to `true` when the service answers as healthy.
    fn run(&self) -> Pin<Box<dyn Future<Output = bool> + Send + '_>>;
}

/// Pretends to ping a service: answers `healthy` after `delay`.
pub struct Ping {
    pub name: String,
    pub delay: Duration,
    pub healthy: bool,
}

impl Check for Ping {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.healthy
        })
    }
}

/// Runs every check in a task of its own, all at the same time, and
/// returns each check's name and answer, in the order of `checks`.
pub async fn run_all(checks: &[Arc<dyn Check>]) -> Vec<(String, bool)> {
    let mut handles = Vec::new();
    for check in checks {
        // The task owns a clone of the `Arc`, so it borrows nothing.
        let check = Arc::clone(check);
        handles.push(tokio::spawn(async move {
            let healthy = check.run().await;
            (check.name().to_string(), healthy)
        }));
    }
    let mut answers = Vec::new();
    for handle in handles {
        answers.push(handle.await.unwrap());
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    fn ping(name: &str, ms: u64, healthy: bool) -> Arc<dyn Check> {
        Arc::new(Ping {
            name: name.to_string(),
            delay: Duration::from_millis(ms),
            healthy,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn answers_come_back_in_order() {
        let checks = [ping("db", 300, true), ping("cache", 100, false)];
        let expected = [("db".to_string(), true), ("cache".to_string(), false)];
        assert_eq!(run_all(&checks).await, expected);
        assert_eq!(run_all(&[]).await, []);
    }

    #[tokio::test(start_paused = true)]
    async fn checks_run_at_the_same_time() {
        let checks = [
            ping("db", 300, true),
            ping("cache", 100, true),
            ping("queue", 200, true),
        ];
        let start = Instant::now();
        run_all(&checks).await;
        // One after the other would take 300 + 100 + 200 = 600 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }
}
// ANCHOR_END: all
