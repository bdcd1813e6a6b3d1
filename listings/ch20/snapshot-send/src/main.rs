use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::timeout;

// ANCHOR: all
/// Every client's queue, by nickname, shared by all connection tasks.
type Clients = Arc<Mutex<BTreeMap<String, mpsc::Sender<Arc<str>>>>>;

// ANCHOR: broadcast
/// Sends `line` to every client, waiting while a queue is full.
async fn broadcast(clients: &Clients, line: &str) {
    let line: Arc<str> = line.into();
    // Copy the senders out; the guard is dropped at the end of the block.
    let queues: Vec<_> = {
        let table = clients.lock().unwrap();
        table.values().cloned().collect()
    };
    for queue in queues {
        let _ = queue.send(line.clone()).await;
    }
}
// ANCHOR_END: broadcast

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let clients = Clients::default();
    // alice and carol have room for 16 lines; bob has room for 2 and
    // never reads.
    let (alice, mut alice_rx) = mpsc::channel(16);
    let (bob, _bob_rx) = mpsc::channel(2);
    let (carol, mut carol_rx) = mpsc::channel(16);
    for (nick, queue) in [("alice", alice), ("bob", bob), ("carol", carol)] {
        clients.lock().unwrap().insert(nick.into(), queue);
    }

    let task = tokio::spawn({
        let clients = clients.clone();
        async move {
            for n in 1..=4 {
                let line = format!("dave: line {n}");
                let sent = broadcast(&clients, &line);
                if timeout(Duration::from_secs(10), sent).await.is_err() {
                    println!("line {n}: still waiting after 10 s");
                    return;
                }
                println!("line {n}: in every queue");
            }
        }
    });
    task.await.unwrap();
    for (nick, queue) in [("alice", &mut alice_rx), ("carol", &mut carol_rx)] {
        while let Ok(line) = queue.try_recv() {
            println!("{nick} got {line:?}");
        }
    }
}
// ANCHOR_END: main
// ANCHOR_END: all
