// ANCHOR: all
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::sleep;

// ANCHOR: shop
#[derive(Default)]
pub struct Shop {
    pub stock: Mutex<Vec<String>>,
    pub orders: Mutex<Vec<String>>,
}

/// Takes an item out of stock and records the order: locks `stock`,
/// then `orders`.
pub async fn sell(shop: Arc<Shop>, item: &str) {
    let mut stock = shop.stock.lock().await;
    sleep(Duration::from_millis(10)).await; // asks the warehouse
    let mut orders = shop.orders.lock().await;
    stock.retain(|s| s != item);
    orders.push(item.to_string());
}

/// Reports orders and stock: locks `orders`, then `stock`.
pub async fn report(shop: Arc<Shop>) -> String {
    let orders = shop.orders.lock().await;
    sleep(Duration::from_millis(10)).await; // formats the orders
    let stock = shop.stock.lock().await;
    format!("{} sold, {} in stock", orders.len(), stock.len())
}
// ANCHOR_END: shop

// ANCHOR: fixed
/// The same report, holding one lock at a time.
pub async fn report_fixed(shop: Arc<Shop>) -> String {
    let sold = shop.orders.lock().await.len(); // unlocked at the `;`
    sleep(Duration::from_millis(10)).await;
    let in_stock = shop.stock.lock().await.len();
    format!("{sold} sold, {in_stock} in stock")
}
// ANCHOR_END: fixed

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    fn shop() -> Arc<Shop> {
        let stock = vec!["lamp".to_string(), "rug".to_string()];
        Arc::new(Shop {
            stock: Mutex::new(stock),
            ..Shop::default()
        })
    }

    #[tokio::test(start_paused = true)]
    async fn opposite_lock_orders_deadlock() {
        let shop = shop();
        let sale = tokio::spawn(sell(Arc::clone(&shop), "lamp"));
        let report = tokio::spawn(report(Arc::clone(&shop)));
        let both = async { (sale.await, report.await) };
        // Each task holds one lock and waits for the other's, forever. On
        // the paused clock, the minute passes at once.
        let result = timeout(Duration::from_secs(60), both).await;
        assert!(result.is_err(), "expected a deadlock, got {result:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn one_lock_at_a_time_finishes() {
        let shop = shop();
        let sale = tokio::spawn(sell(Arc::clone(&shop), "lamp"));
        let report = tokio::spawn(report_fixed(Arc::clone(&shop)));
        let both = async { (sale.await, report.await) };
        let result = timeout(Duration::from_secs(60), both).await;
        let (sale, report) = result.expect("deadlocked");
        sale.unwrap();
        assert_eq!(report.unwrap(), "0 sold, 1 in stock");
    }

    #[tokio::test(start_paused = true)]
    async fn locking_twice_in_one_task_deadlocks() {
        let shop = shop();
        let relock = async {
            let _orders = shop.orders.lock().await;
            // `report_fixed` locks `orders` too: it waits for this very task.
            report_fixed(Arc::clone(&shop)).await
        };
        let result = timeout(Duration::from_secs(60), relock).await;
        assert!(result.is_err(), "expected a deadlock, got {result:?}");
    }
}
// ANCHOR_END: tests
// ANCHOR_END: all
