use std::time::Duration;
use tokio::time::sleep;

// ANCHOR: all
/// Pretends to look up the price of an item: the bigger the id, the longer
/// the lookup takes.
async fn price_of(id: u64) -> u64 {
    sleep(Duration::from_millis(100 * id)).await;
    id * 10
}

// ANCHOR: solution
/// Looks up every price in its own task, all at the same time, and returns
/// the prices in the order of `ids`.
async fn all_prices(ids: Vec<u64>) -> Vec<u64> {
    // Start every lookup first, so that they all run at once...
    let handles: Vec<_> = ids
        .into_iter()
        .map(|id| tokio::spawn(price_of(id)))
        .collect();

    // ...then wait for them in the order they were asked for.
    let mut prices = Vec::with_capacity(handles.len());
    for handle in handles {
        prices.push(handle.await.expect("a price lookup panicked"));
    }
    prices
}
// ANCHOR_END: solution

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("{:?}", all_prices(vec![3, 1, 2]).await);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn prices_come_back_in_the_order_asked() {
        assert_eq!(all_prices(vec![3, 1, 2]).await, vec![30, 10, 20]);
        assert_eq!(all_prices(vec![]).await, Vec::<u64>::new());
    }

    #[tokio::test(start_paused = true)]
    async fn lookups_run_at_the_same_time() {
        let start = Instant::now();
        all_prices(vec![3, 1, 2]).await;
        // One after the other would take 300 + 100 + 200 = 600 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }
}
// ANCHOR_END: all
