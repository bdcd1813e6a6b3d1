use std::thread;
use std::time::Duration;

use tokio::sync::mpsc;

const INPUT: &str = "apple\npear\nplum\nquince";

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (line_tx, mut line_rx) = mpsc::channel::<String>(2);
    let (out_tx, mut out_rx) = mpsc::channel::<String>(2);

    // Sync to async: a plain thread reads the input (a constant here, a
    // file or stdin in a real program) and sends each line to the runtime.
    let reader = thread::spawn(move || {
        for line in INPUT.lines() {
            // Waits while the channel holds two lines: backpressure.
            if line_tx.blocking_send(line.to_string()).is_err() {
                break; // the receiver is gone
            }
        }
        // `line_tx` is dropped here, which closes the channel.
    });

    // Async to sync: a plain thread writes every result it receives.
    let writer = thread::spawn(move || {
        let mut written = 0;
        while let Some(result) = out_rx.blocking_recv() {
            println!("{result}");
            written += 1;
        }
        written
    });

    // The async part: an async step for each line.
    while let Some(line) = line_rx.recv().await {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let result = format!("{line}: {} letters", line.len());
        out_tx.send(result).await.unwrap();
    }
    drop(out_tx); // closes the channel, so the writer's loop ends

    // Joining a thread blocks, so it goes to the blocking pool too.
    let written = tokio::task::spawn_blocking(move || {
        reader.join().unwrap();
        writer.join().unwrap()
    })
    .await
    .unwrap();
    println!("the writer wrote {written} lines");
}
// ANCHOR_END: main
