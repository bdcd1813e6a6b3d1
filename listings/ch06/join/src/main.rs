use tokio::time::{Duration, Instant, sleep};

// ANCHOR: steps
// Two independent steps of making breakfast. Each one mostly waits.
async fn boil_water(start: Instant) -> &'static str {
    sleep(Duration::from_millis(300)).await;
    println!("  water boiled at {:>3} ms", start.elapsed().as_millis());
    "hot water"
}

async fn toast_bread(start: Instant) -> &'static str {
    sleep(Duration::from_millis(200)).await;
    println!("  bread toasted at {:>3} ms", start.elapsed().as_millis());
    "toast"
}
// ANCHOR_END: steps

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("one after the other:");
    let start = Instant::now();
    let water = boil_water(start).await;
    let toast = toast_bread(start).await;
    println!(
        "  {water} and {toast} after {} ms",
        start.elapsed().as_millis()
    );

    println!("with join!:");
    let start = Instant::now();
    let (water, toast) = tokio::join!(boil_water(start), toast_bread(start));
    println!(
        "  {water} and {toast} after {} ms",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: main
