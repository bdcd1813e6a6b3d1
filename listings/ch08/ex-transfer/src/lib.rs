// ANCHOR: all
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

pub struct Account {
    pub id: u32,
    pub balance: Mutex<i64>,
}

/// Moves `amount` from one account to the other. Both balances stay locked
/// until both are updated, so no one ever sees the money in neither.
pub async fn transfer(from: &Account, to: &Account, amount: i64) {
    let (mut from_balance, mut to_balance) = lock_both(from, to).await;
    *from_balance -= amount;
    *to_balance += amount;
}

/// A slow check that runs between the two locks. Do not change it.
pub async fn fraud_check() {
    tokio::time::sleep(Duration::from_millis(10)).await;
}

// ANCHOR: exercise
/// Locks the balances of `a` and `b` (two different accounts), calling
/// `fraud_check().await` after the first lock and before the second.
/// Returns the guards as `(a's, b's)`. Two transfers in opposite
/// directions must not deadlock.
async fn lock_both<'a>(
    a: &'a Account,
    b: &'a Account,
) -> (MutexGuard<'a, i64>, MutexGuard<'a, i64>) {
    // Your code here.
    todo!("lock account {} and account {}", a.id, b.id)
}
// ANCHOR_END: exercise

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::time::timeout;

    fn account(id: u32, balance: i64) -> Arc<Account> {
        Arc::new(Account {
            id,
            balance: Mutex::new(balance),
        })
    }

    async fn balance(account: &Account) -> i64 {
        *account.balance.lock().await
    }

    #[tokio::test(start_paused = true)]
    async fn moves_the_money() {
        let (alice, bob) = (account(1, 100), account(2, 0));
        transfer(&alice, &bob, 30).await;
        transfer(&bob, &alice, 10).await;
        assert_eq!((balance(&alice).await, balance(&bob).await), (80, 20));
    }

    #[tokio::test(start_paused = true)]
    async fn opposite_transfers_do_not_deadlock() {
        let (alice, bob) = (account(1, 100), account(2, 100));
        let there = tokio::spawn({
            let (alice, bob) = (Arc::clone(&alice), Arc::clone(&bob));
            async move { transfer(&alice, &bob, 30).await }
        });
        let back = tokio::spawn({
            let (alice, bob) = (Arc::clone(&alice), Arc::clone(&bob));
            async move { transfer(&bob, &alice, 10).await }
        });
        let both = async { (there.await, back.await) };
        let done = timeout(Duration::from_secs(60), both).await;
        let (there, back) = done.expect("the two transfers deadlocked");
        there.unwrap();
        back.unwrap();
        assert_eq!((balance(&alice).await, balance(&bob).await), (80, 120));
    }

    #[tokio::test(start_paused = true)]
    async fn many_transfers_keep_the_total() {
        let accounts: Vec<_> = (1..=3).map(|id| account(id, 100)).collect();
        let mut handles = Vec::new();
        for i in 0..30 {
            let from = Arc::clone(&accounts[i % 3]);
            let to = Arc::clone(&accounts[(i + 1 + i / 3) % 3]);
            if from.id == to.id {
                continue;
            }
            handles.push(tokio::spawn(async move {
                transfer(&from, &to, 5).await;
            }));
        }
        let all = async {
            for handle in handles {
                handle.await.unwrap();
            }
        };
        timeout(Duration::from_secs(60), all)
            .await
            .expect("deadlocked");
        let mut total = 0;
        for account in &accounts {
            total += balance(account).await;
        }
        assert_eq!(total, 300);
    }
}
// ANCHOR_END: all
