use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::time::sleep;

// ANCHOR: sender
/// Sends two requests in three pieces: the first request is cut in two,
/// and the second piece carries its end and the start of the next one.
async fn send_requests(mut stream: DuplexStream) {
    for piece in ["SET colo", "r=blue\nSET si", "ze=large\n"] {
        println!("client sends {piece:?}");
        stream.write_all(piece.as_bytes()).await.unwrap();
        sleep(Duration::from_millis(5)).await;
    }
    // Dropping the stream closes it: the server sees the end.
}
// ANCHOR_END: sender

/// Parses `SET key=value`.
fn parse_set(request: &str) -> Option<(&str, &str)> {
    request.strip_prefix("SET ")?.split_once('=')
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() -> std::io::Result<()> {
    let (client, server) = tokio::io::duplex(1024);
    tokio::spawn(send_requests(client));

    let mut lines = BufReader::new(server).lines();
    while let Some(line) = lines.next_line().await? {
        match parse_set(&line) {
            Some((key, value)) => println!("server: set {key} to {value}"),
            None => println!("server: error: {line:?} is not `SET key=value`"),
        }
    }
    println!("server: the client closed the stream");
    Ok(())
}
// ANCHOR_END: main
