use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::stream::{self, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::{self, JoinHandle, coop};
use tokio_stream::wrappers::ReceiverStream;

const ITEMS: usize = 1000;

// ANCHOR: watcher
/// Spawns a task that, each time it gets to run, notes how many items the
/// consumer has processed so far, then yields. It stops once all are done.
fn spawn_watcher(done: Arc<AtomicUsize>) -> JoinHandle<Vec<usize>> {
    tokio::spawn(async move {
        let mut seen = Vec::new();
        loop {
            let n = done.load(Ordering::Relaxed);
            if n == ITEMS {
                return seen;
            }
            seen.push(n);
            task::yield_now().await;
        }
    })
}
// ANCHOR_END: watcher

// ANCHOR: starved
/// Processes every item of `items`, with no other `.await` in the loop.
async fn consume(items: impl Stream<Item = usize>, done: &AtomicUsize) {
    let mut items = std::pin::pin!(items);
    while let Some(_item) = items.next().await {
        done.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: starved

// ANCHOR: fixes
/// The same loop, spending one unit of tokio's budget per item.
async fn consume_with_budget(
    items: impl Stream<Item = usize>,
    done: &AtomicUsize,
) {
    let mut items = std::pin::pin!(items);
    while let Some(_item) = items.next().await {
        coop::consume_budget().await;
        done.fetch_add(1, Ordering::Relaxed);
    }
}

/// The same loop, yielding to the runtime after every 100 items.
async fn consume_yielding(
    items: impl Stream<Item = usize>,
    done: &AtomicUsize,
) {
    let mut items = std::pin::pin!(items);
    while let Some(_item) = items.next().await {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(100) {
            task::yield_now().await;
        }
    }
}
// ANCHOR_END: fixes

/// A stream of `ITEMS` numbers that all wait in a tokio channel already.
fn from_channel() -> ReceiverStream<usize> {
    let (tx, rx) = mpsc::channel(ITEMS);
    for i in 0..ITEMS {
        tx.try_send(i).expect("the channel has room for every item");
    }
    ReceiverStream::new(rx)
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    for case in 1..=4 {
        // Start each case in a poll of its own, with a full budget.
        task::yield_now().await;
        let done = Arc::new(AtomicUsize::new(0));
        let watcher = spawn_watcher(done.clone());
        let label = match case {
            1 => {
                consume(stream::iter(0..ITEMS), &done).await;
                "stream::iter"
            }
            2 => {
                consume(from_channel(), &done).await;
                "ReceiverStream"
            }
            3 => {
                consume_with_budget(stream::iter(0..ITEMS), &done).await;
                "stream::iter + consume_budget"
            }
            _ => {
                consume_yielding(stream::iter(0..ITEMS), &done).await;
                "stream::iter + yield_now"
            }
        };
        let seen = watcher.await.expect("the watcher does not panic");
        println!("{label}: the watcher ran after items {seen:?}");
    }
}
// ANCHOR_END: main
