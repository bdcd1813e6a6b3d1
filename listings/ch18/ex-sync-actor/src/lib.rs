// ANCHOR: all
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

/// What an async task can ask the totals thread to do.
pub enum Command {
    /// Add an amount to the total.
    Add(u64),
    /// Send the current total back on the oneshot channel.
    Get(oneshot::Sender<u64>),
}

/// Starts a plain OS thread that keeps a running total. Async tasks send
/// it `Command`s through the returned `Sender` (a channel that holds
/// `capacity` commands). When every `Sender` is gone, the thread ends and
/// its `JoinHandle` returns the final total.
pub fn spawn_totals_thread(
    capacity: usize,
) -> (mpsc::Sender<Command>, JoinHandle<u64>) {
    // Your code here: create the channel, spawn the thread, and serve
    // commands on it until the channel closes.
    todo!("spawn a thread that serves {capacity} commands at a time")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn total(commands: &mpsc::Sender<Command>) -> u64 {
        let (reply_tx, reply_rx) = oneshot::channel();
        commands.send(Command::Get(reply_tx)).await.unwrap();
        reply_rx.await.unwrap()
    }

    #[tokio::test]
    async fn adds_and_reports_the_total() {
        let (commands, _thread) = spawn_totals_thread(4);
        for amount in [1, 2, 3] {
            commands.send(Command::Add(amount)).await.unwrap();
        }
        assert_eq!(total(&commands).await, 6);
        commands.send(Command::Add(4)).await.unwrap();
        assert_eq!(total(&commands).await, 10);
    }

    #[tokio::test]
    async fn returns_the_final_total_when_the_senders_are_gone() {
        let (commands, thread) = spawn_totals_thread(1);
        let clone = commands.clone();
        commands.send(Command::Add(5)).await.unwrap();
        clone.send(Command::Add(7)).await.unwrap();
        drop(commands);
        drop(clone);
        // Joining a thread blocks, so the test does it on the blocking pool.
        let final_total = tokio::task::spawn_blocking(move || thread.join())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(final_total, 12);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_many_tasks_at_once() {
        let (commands, _thread) = spawn_totals_thread(2);
        let mut tasks = tokio::task::JoinSet::new();
        for amount in 1..=100 {
            let commands = commands.clone();
            tasks.spawn(async move {
                commands.send(Command::Add(amount)).await.unwrap();
            });
        }
        tasks.join_all().await;
        assert_eq!(total(&commands).await, 5050);
    }
}
// ANCHOR_END: all
