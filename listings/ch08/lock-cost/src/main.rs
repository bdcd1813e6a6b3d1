use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// Increments per run, shared out among the tasks.
const N: u64 = 200_000;

// ANCHOR: counters
async fn std_mutex(tasks: u64) -> Duration {
    let count = Arc::new(std::sync::Mutex::new(0_u64));
    let start = Instant::now();
    let handles = (0..tasks).map(|_| {
        let count = Arc::clone(&count);
        tokio::spawn(async move {
            for _ in 0..N / tasks {
                *count.lock().unwrap() += 1;
            }
        })
    });
    wait_all(handles).await;
    let took = start.elapsed();
    assert_eq!(*count.lock().unwrap(), N);
    took
}

async fn tokio_mutex(tasks: u64) -> Duration {
    let count = Arc::new(tokio::sync::Mutex::new(0_u64));
    let start = Instant::now();
    let handles = (0..tasks).map(|_| {
        let count = Arc::clone(&count);
        tokio::spawn(async move {
            for _ in 0..N / tasks {
                *count.lock().await += 1;
            }
        })
    });
    wait_all(handles).await;
    let took = start.elapsed();
    assert_eq!(*count.lock().await, N);
    took
}

async fn atomic(tasks: u64) -> Duration {
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles = (0..tasks).map(|_| {
        let count = Arc::clone(&count);
        tokio::spawn(async move {
            for _ in 0..N / tasks {
                count.fetch_add(1, Ordering::Relaxed);
            }
        })
    });
    wait_all(handles).await;
    let took = start.elapsed();
    assert_eq!(count.load(Ordering::Relaxed), N);
    took
}
// ANCHOR_END: counters

/// Spawns every task first (the iterator is collected), then awaits them.
async fn wait_all(handles: impl Iterator<Item = JoinHandle<()>>) {
    let handles: Vec<_> = handles.collect();
    for handle in handles {
        handle.await.unwrap();
    }
}

// ANCHOR: main
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for tasks in [1, 4] {
        println!("{N} increments from {tasks} task(s) on 2 threads:");
        show("std::sync::Mutex", std_mutex(tasks).await);
        show("tokio::sync::Mutex", tokio_mutex(tasks).await);
        show("AtomicU64", atomic(tasks).await);
    }
    println!("every count reached {N}");
}

fn show(what: &str, took: Duration) {
    let each = took.as_nanos() as f64 / N as f64;
    println!("  {what:<20} {each:>7.1} ns per increment");
}
// ANCHOR_END: main
