use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until};

// ANCHOR: allocator
/// The system allocator, plus a count of the bytes requested and not yet
/// freed.
struct CountingAllocator;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            HEAP_IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;
// ANCHOR_END: allocator

// ANCHOR: setup
const MESSAGE_SIZE: usize = 1024; // each message is a 1 KiB buffer
const PRODUCE_EVERY: Duration = Duration::from_millis(10); // 100 per second
const CONSUME_TAKES: Duration = Duration::from_millis(50); // 20 per second

/// How many messages have been sent, and how many processed, so far.
#[derive(Default)]
struct Counts {
    sent: AtomicUsize,
    processed: AtomicUsize,
}
// ANCHOR_END: setup

// ANCHOR: report
/// Prints, at 1, 2 and 3 seconds, how many messages have been sent but
/// not yet processed, and how much the heap has grown since the start.
async fn report(counts: &Counts, heap_at_start: usize) {
    let start = Instant::now();
    for second in 1..=3 {
        sleep_until(start + Duration::from_secs(second)).await;
        let sent = counts.sent.load(Ordering::Relaxed);
        let waiting = sent - counts.processed.load(Ordering::Relaxed);
        let heap = HEAP_IN_USE.load(Ordering::Relaxed) - heap_at_start;
        println!(
            "  {second} s: sent {sent:>3}, waiting {waiting:>3} \
             ({:>6} bytes of messages), heap grew by {heap:>6} bytes",
            waiting * MESSAGE_SIZE
        );
    }
}
// ANCHOR_END: report

// ANCHOR: unbounded
async fn unbounded() {
    let heap_at_start = HEAP_IN_USE.load(Ordering::Relaxed);
    let counts = Arc::new(Counts::default());
    let (sender, mut receiver) = mpsc::unbounded_channel::<Vec<u8>>();

    let consumer_counts = Arc::clone(&counts);
    let consumer = tokio::spawn(async move {
        while let Some(message) = receiver.recv().await {
            sleep(CONSUME_TAKES).await; // pretend to process it
            drop(message);
            consumer_counts.processed.fetch_add(1, Ordering::Relaxed);
        }
    });
    let producer_counts = Arc::clone(&counts);
    let producer = tokio::spawn(async move {
        loop {
            // Never waits: the channel takes everything it is given.
            if sender.send(vec![0; MESSAGE_SIZE]).is_err() {
                break;
            }
            producer_counts.sent.fetch_add(1, Ordering::Relaxed);
            sleep(PRODUCE_EVERY).await;
        }
    });

    report(&counts, heap_at_start).await;
    // Stop both tasks, and wait until they are gone with their memory.
    producer.abort();
    consumer.abort();
    let _ = producer.await;
    let _ = consumer.await;
}
// ANCHOR_END: unbounded

// ANCHOR: bounded
async fn bounded() {
    let heap_at_start = HEAP_IN_USE.load(Ordering::Relaxed);
    let counts = Arc::new(Counts::default());
    let (sender, mut receiver) = mpsc::channel::<Vec<u8>>(16);

    let consumer_counts = Arc::clone(&counts);
    let consumer = tokio::spawn(async move {
        while let Some(message) = receiver.recv().await {
            sleep(CONSUME_TAKES).await;
            drop(message);
            consumer_counts.processed.fetch_add(1, Ordering::Relaxed);
        }
    });
    let producer_counts = Arc::clone(&counts);
    let producer = tokio::spawn(async move {
        loop {
            // Waits while all 16 slots are full.
            if sender.send(vec![0; MESSAGE_SIZE]).await.is_err() {
                break;
            }
            producer_counts.sent.fetch_add(1, Ordering::Relaxed);
            sleep(PRODUCE_EVERY).await;
        }
    });

    report(&counts, heap_at_start).await;
    // Stop both tasks, and wait until they are gone with their memory.
    producer.abort();
    consumer.abort();
    let _ = producer.await;
    let _ = consumer.await;
}
// ANCHOR_END: bounded

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("unbounded channel:");
    unbounded().await;
    println!("bounded channel, capacity 16:");
    bounded().await;
}
