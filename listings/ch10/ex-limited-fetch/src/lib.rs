// The starter leaves the parameters for you to use.
#![allow(unused_variables)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::sleep;

// ANCHOR: all
/// A pretend service that takes 100 ms per page (300 ms for one slow page,
/// if there is one), and records the largest number of requests it ever
/// had in flight at once.
#[derive(Default)]
pub struct Service {
    slow_page: Option<u32>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Service {
    /// A service on which page `id` takes 300 ms.
    pub fn with_slow_page(id: u32) -> Service {
        Service {
            slow_page: Some(id),
            ..Service::default()
        }
    }

    pub async fn fetch(&self, id: u32) -> String {
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        let ms = if self.slow_page == Some(id) { 300 } else { 100 };
        sleep(Duration::from_millis(ms)).await;
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        format!("page {id}")
    }

    /// The most requests that were in flight at the same time.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
}

/// Fetches every page in `ids` from `service`, with at most `limit`
/// requests in flight at once, and returns the pages in the order of `ids`.
pub async fn fetch_all(
    service: &Service,
    ids: &[u32],
    limit: usize,
) -> Vec<String> {
    // Turn the ids into a stream of futures (futures::stream::iter, and
    // `map` from the futures::StreamExt trait, which you need to import),
    // and let one of this chapter's adapters run them.
    todo!("fetch {} pages, {limit} at a time", ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn results_come_in_the_order_of_the_ids() {
        // Page 3 is slow, but its result still comes first.
        let service = Service::with_slow_page(3);
        let pages = fetch_all(&service, &[3, 1, 2], 2).await;
        assert_eq!(pages, ["page 3", "page 1", "page 2"]);
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_limit_at_once() {
        let service = Service::default();
        let ids: Vec<u32> = (1..=10).collect();
        let pages = fetch_all(&service, &ids, 3).await;
        assert_eq!(pages.len(), 10);
        assert_eq!(service.peak(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_limit_is_used_in_full() {
        let service = Service::default();
        let ids: Vec<u32> = (1..=10).collect();
        let start = Instant::now();
        fetch_all(&service, &ids, 3).await;
        // Four rounds of 100 ms: 3 + 3 + 3 + 1 pages.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }

    #[tokio::test(start_paused = true)]
    async fn no_ids_no_fetches() {
        let service = Service::default();
        assert!(fetch_all(&service, &[], 4).await.is_empty());
        assert_eq!(service.peak(), 0);
    }
}
// ANCHOR_END: all
