use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::{Instant, interval};

// ANCHOR: cache
/// A map whose entries are forgotten `ttl` after they were inserted.
pub struct Cache {
    ttl: Duration,
    entries: HashMap<String, (String, Instant)>,
}

impl Cache {
    pub fn new(ttl: Duration) -> Self {
        Cache {
            ttl,
            entries: HashMap::new(),
        }
    }

    pub fn insert(&mut self, key: &str, value: &str) {
        let now = Instant::now(); // tokio's clock: a test can pause it
        self.entries
            .insert(key.to_string(), (value.to_string(), now));
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let (value, inserted) = self.entries.get(key)?;
        (inserted.elapsed() < self.ttl).then_some(value.as_str())
    }
}
// ANCHOR_END: cache

// ANCHOR: ticker
/// Spawns a task that counts the ticks of a timer; the receiver always
/// holds the latest count. The task stops when the receiver is dropped.
pub fn spawn_ticker(period: Duration) -> watch::Receiver<u32> {
    let (count_tx, count_rx) = watch::channel(0);
    tokio::spawn(async move {
        let mut ticks = interval(period); // the first tick is immediate
        let mut count = 0;
        loop {
            ticks.tick().await;
            count += 1;
            if count_tx.send(count).is_err() {
                break; // nobody is watching any more
            }
        }
    });
    count_rx
}
// ANCHOR_END: ticker

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{advance, pause, sleep};

    // ANCHOR: advance
    #[tokio::test]
    async fn entries_expire_after_their_ttl() {
        pause(); // from here on, tokio's clock moves only when told to
        let mut cache = Cache::new(Duration::from_secs(30));
        cache.insert("answer", "42");

        advance(Duration::from_secs(29)).await;
        assert_eq!(cache.get("answer"), Some("42"));

        advance(Duration::from_secs(1)).await;
        assert_eq!(cache.get("answer"), None);
    }
    // ANCHOR_END: advance

    // ANCHOR: auto-advance
    #[tokio::test(start_paused = true)]
    async fn the_ticker_ticks_once_a_second() {
        let count = spawn_ticker(Duration::from_secs(1));

        // Between two ticks, not on one: no tie for the clock to break.
        sleep(Duration::from_millis(5500)).await;

        // Ticks at 0, 1, 2, 3, 4 and 5 seconds.
        assert_eq!(*count.borrow(), 6);
    }
    // ANCHOR_END: auto-advance
}
