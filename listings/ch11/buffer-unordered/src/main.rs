use futures::stream::{self, StreamExt};
use tokio::time::{Duration, Instant, sleep};

// ANCHOR: fetch
/// A pretend download: page `id` takes its own time to arrive.
async fn fetch(id: u64) -> u64 {
    let ms = [300, 100, 200, 50, 120][id as usize - 1];
    sleep(Duration::from_millis(ms)).await;
    id
}
// ANCHOR_END: fetch

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let one_by_one: Vec<u64> = stream::iter(1..=5).then(fetch).collect().await;
    println!(
        "then:                {one_by_one:?} in {:?}",
        start.elapsed()
    );

    let start = Instant::now();
    let in_order: Vec<u64> =
        stream::iter(1..=5).map(fetch).buffered(3).collect().await;
    println!("buffered(3):         {in_order:?} in {:?}", start.elapsed());

    let start = Instant::now();
    let as_they_come: Vec<u64> = stream::iter(1..=5)
        .map(fetch)
        .buffer_unordered(3)
        .collect()
        .await;
    println!(
        "buffer_unordered(3): {as_they_come:?} in {:?}",
        start.elapsed()
    );
}
// ANCHOR_END: main
