use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

// ANCHOR: all
// ANCHOR: table
/// Every client's queue, by nickname, shared by all connection tasks.
type Clients = Arc<Mutex<BTreeMap<String, mpsc::Sender<Arc<str>>>>>;
// ANCHOR_END: table

// ANCHOR: broadcast
/// Sends `line` to every client, waiting while a queue is full.
async fn broadcast(clients: &Clients, line: &str) {
    let line: Arc<str> = line.into();
    let table = clients.lock().unwrap();
    for queue in table.values() {
        let _ = queue.send(line.clone()).await;
    }
}
// ANCHOR_END: broadcast

#[tokio::main]
async fn main() {
    let clients = Clients::default();
    let (alice, mut alice_rx) = mpsc::channel(2);
    clients.lock().unwrap().insert("alice".into(), alice);

    // A connection task: it reads a line from its client and broadcasts
    // it.
    let task = tokio::spawn({
        let clients = clients.clone();
        async move { broadcast(&clients, "alice: hello").await }
    });
    task.await.unwrap();
    println!("{}", alice_rx.recv().await.unwrap());
}
// ANCHOR_END: all
