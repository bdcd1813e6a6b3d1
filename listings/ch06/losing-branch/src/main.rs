use tokio::time::{Duration, Instant, sleep};

// ANCHOR: future
/// Prints a line when it is dropped, so we can see when that happens.
struct Announce(&'static str);

impl Drop for Announce {
    fn drop(&mut self) {
        println!("  {} dropped", self.0);
    }
}

async fn slow_download(start: Instant) -> &'static str {
    let _announce = Announce("slow_download");
    println!("  slow_download started");
    sleep(Duration::from_millis(1000)).await;
    println!(
        "  slow_download finished at {} ms",
        start.elapsed().as_millis()
    );
    "the data"
}
// ANCHOR_END: future

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("racing a future:");
    let start = Instant::now();
    tokio::select! {
        data = slow_download(start) => println!("  got {data}"),
        _ = sleep(Duration::from_millis(200)) => {
            println!("  gave up at {} ms", start.elapsed().as_millis());
        }
    }

    println!("racing a spawned task:");
    let start = Instant::now();
    let task = tokio::spawn(slow_download(start));
    tokio::select! {
        data = task => println!("  got {}", data.unwrap()),
        _ = sleep(Duration::from_millis(200)) => {
            println!("  gave up at {} ms", start.elapsed().as_millis());
        }
    }

    // Wait long enough for anything still running to finish.
    sleep(Duration::from_secs(2)).await;
    println!("main ends at {} ms", start.elapsed().as_millis());
}
// ANCHOR_END: main
