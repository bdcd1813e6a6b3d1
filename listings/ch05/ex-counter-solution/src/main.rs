use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

// ANCHOR: all
/// What a handle can ask the counter to do.
enum Command {
    Increment,
    Get { respond_on: oneshot::Sender<u64> },
}

/// A cheap, cloneable handle to the counter task.
#[derive(Clone)]
struct Counter {
    commands: mpsc::Sender<Command>,
}

impl Counter {
    /// Starts the counter task. Its `JoinHandle` gives the final count once
    /// every `Counter` handle has been dropped.
    fn start() -> (Counter, JoinHandle<u64>) {
        let (commands, receiver) = mpsc::channel(16);
        let task = tokio::spawn(run_counter(receiver));
        (Counter { commands }, task)
    }

    // ANCHOR: handle
    async fn increment(&self) {
        self.commands
            .send(Command::Increment)
            .await
            .expect("the counter task has stopped");
    }

    async fn get(&self) -> u64 {
        let (respond_on, answer) = oneshot::channel();
        self.commands
            .send(Command::Get { respond_on })
            .await
            .expect("the counter task has stopped");
        answer.await.expect("the counter task dropped the request")
    }
    // ANCHOR_END: handle
}

// ANCHOR: task
/// The counter task: owns the count, and serves commands until the
/// channel closes. Returns the final count.
async fn run_counter(mut commands: mpsc::Receiver<Command>) -> u64 {
    let mut count = 0;
    while let Some(command) = commands.recv().await {
        match command {
            Command::Increment => count += 1,
            Command::Get { respond_on } => {
                // The asker may have stopped waiting; that is fine.
                let _ = respond_on.send(count);
            }
        }
    }
    count
}
// ANCHOR_END: task

#[tokio::main]
async fn main() {
    let (counter, task) = Counter::start();
    counter.increment().await;
    println!("count: {}", counter.get().await);
    drop(counter);
    println!("final count: {}", task.await.unwrap());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_increments() {
        let (counter, _task) = Counter::start();
        assert_eq!(counter.get().await, 0);
        for _ in 0..3 {
            counter.increment().await;
        }
        assert_eq!(counter.get().await, 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_tasks_share_one_counter() {
        let (counter, _task) = Counter::start();
        let mut handles = Vec::new();
        for _ in 0..10 {
            let counter = counter.clone();
            handles.push(tokio::spawn(async move {
                for _ in 0..10 {
                    counter.increment().await;
                }
            }));
        }
        for handle in handles {
            handle.await.unwrap();
        }
        assert_eq!(counter.get().await, 100);
    }

    #[tokio::test]
    async fn stops_when_every_handle_is_dropped() {
        let (counter, task) = Counter::start();
        let other = counter.clone();
        counter.increment().await;
        other.increment().await;
        drop(counter);
        drop(other);
        assert_eq!(task.await.unwrap(), 2);
    }
}
// ANCHOR_END: all
