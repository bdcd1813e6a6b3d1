use std::time::Duration;

async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ANCHOR: main
fn main() -> std::io::Result<()> {
    // The body of the old `async fn main`, now an async block: a future.
    let body = async {
        count_to(3).await;
        println!("Done counting.");
    };

    // A runtime with worker threads, timers and I/O, that runs the future.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(body);
    Ok(())
}
// ANCHOR_END: main
