use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

// ANCHOR: relay
const MAX_BATCH: usize = 3;

/// Collects items from `input` into batches of up to MAX_BATCH, and hands
/// a batch to `output` whenever `output` has room for one.
async fn relay(mut input: mpsc::Receiver<u32>, output: mpsc::Sender<Vec<u32>>) {
    let mut batch = Vec::new();
    let mut input_open = true;
    loop {
        tokio::select! {
            biased;
            // Read only while the input is open and the batch has room.
            item = input.recv(), if input_open && batch.len() < MAX_BATCH => {
                match item {
                    Some(item) => batch.push(item),
                    None => input_open = false,
                }
            }
            // Offer a batch only when there is one.
            permit = output.reserve(), if !batch.is_empty() => {
                let permit = permit.expect("the sink has stopped");
                permit.send(std::mem::take(&mut batch));
            }
            // Both disabled: the input is closed and everything was sent.
            else => break,
        }
    }
}
// ANCHOR_END: relay

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let ms = move || start.elapsed().as_millis();
    let (items, relay_input) = mpsc::channel(2);
    let (relay_output, mut batches) = mpsc::channel(1);
    let relay = tokio::spawn(relay(relay_input, relay_output));

    // The sink writes one batch at a time, 100 ms per batch.
    let sink = tokio::spawn(async move {
        while let Some(batch) = batches.recv().await {
            println!("{:>3} ms  sink: writing {batch:?}", ms());
            sleep(Duration::from_millis(100)).await;
        }
        println!("{:>3} ms  sink: done", ms());
    });

    // The source produces an item every 10 ms.
    for item in 1..=12 {
        items.send(item).await.expect("the relay has stopped");
        sleep(Duration::from_millis(10)).await;
    }
    println!("{:>3} ms  source: sent all 12 items", ms());
    drop(items);
    relay.await.expect("the relay panicked");
    sink.await.expect("the sink panicked");
}
// ANCHOR_END: main
