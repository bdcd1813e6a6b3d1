use tokio::time::{Duration, Instant, sleep, timeout};

// ANCHOR: all
// ANCHOR: lookup
/// Pretends to ask a slow service; it answers after `delay_ms`.
async fn lookup(name: &str, delay_ms: u64) -> String {
    sleep(Duration::from_millis(delay_ms)).await;
    format!("{name} lives at 12 Crab Street")
}
// ANCHOR_END: lookup

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let limit = Duration::from_millis(250);
    for (name, delay_ms) in [("Ferris", 100), ("Corro", 400)] {
        let start = Instant::now();
        let result = timeout(limit, lookup(name, delay_ms)).await;
        let elapsed = start.elapsed().as_millis();
        match result {
            Ok(address) => println!("{address} (after {elapsed} ms)"),
            Err(elapsed_error) => {
                println!("{name}: {elapsed_error} (after {elapsed} ms)");
                println!("  the error value: {elapsed_error:?}");
            }
        }
    }
}
// ANCHOR_END: main
// ANCHOR_END: all
