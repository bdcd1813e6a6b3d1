use std::pin::pin;

use tokio::sync::mpsc;
use tokio::time::{Duration, Instant, sleep};

// ANCHOR: lookup
/// Searches for `query`; every search takes 250 ms.
async fn lookup(query: String) -> String {
    println!("  searching for {query:?}");
    sleep(Duration::from_millis(250)).await;
    format!("results for {query:?}")
}
// ANCHOR_END: lookup

// ANCHOR: search-box
/// Searches for what the user typed last; a new text replaces the search
/// in flight.
async fn search_box(mut typed: mpsc::Receiver<String>) {
    let start = Instant::now();
    // Nothing typed yet: a search that is never polled, so it does nothing.
    let mut search = pin!(lookup(String::new()));
    let mut searching = false;
    loop {
        tokio::select! {
            biased;
            maybe_text = typed.recv() => {
                let Some(text) = maybe_text else { break }; // input closed
                let ms = start.elapsed().as_millis();
                println!("{ms} ms: typed {text:?}");
                // Drops the old search where it is pinned, then pins the
                // new one in the same place.
                search.set(lookup(text));
                searching = true;
            }
            results = &mut search, if searching => {
                let ms = start.elapsed().as_millis();
                println!("{ms} ms: {results}");
                searching = false;
            }
        }
    }
}
// ANCHOR_END: search-box

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (tx, rx) = mpsc::channel(4);
    let search = tokio::spawn(search_box(rx));
    // The user types a letter every 100 ms, then stops.
    for text in ["r", "ru", "rus", "rust"] {
        tx.send(text.to_string()).await.unwrap();
        sleep(Duration::from_millis(100)).await;
    }
    sleep(Duration::from_secs(1)).await;
    drop(tx);
    search.await.unwrap();
}
// ANCHOR_END: main
