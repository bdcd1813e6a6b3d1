use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::sleep;

// ANCHOR: sender
/// Sends one request, `SET color=blue`, ending with a newline. The network
/// delivers it in two pieces, 5 ms apart.
async fn send_request(mut stream: DuplexStream) {
    stream.write_all(b"SET colo").await.unwrap();
    sleep(Duration::from_millis(5)).await;
    stream.write_all(b"r=blue\n").await.unwrap();
}
// ANCHOR_END: sender

// ANCHOR: reader
/// Reads one request, naively: it assumes that one `read` gives one whole
/// request.
async fn read_request(stream: &mut DuplexStream) -> String {
    let mut buf = [0; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Parses `SET key=value`, with or without the final newline.
fn parse_set(request: &str) -> Option<(&str, &str)> {
    let pair = request.trim_end().strip_prefix("SET ")?;
    pair.split_once('=')
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (client, mut server) = tokio::io::duplex(1024);
    tokio::spawn(send_request(client));

    let request = read_request(&mut server).await;
    println!("server got {} bytes: {request:?}", request.len());
    match parse_set(&request) {
        Some((key, value)) => println!("set {key} to {value}"),
        None => println!("error: {request:?} is not `SET key=value`"),
    }

    // The rest of the request was not lost: the next `read` returns it.
    let rest = read_request(&mut server).await;
    println!("the next read got {} bytes: {rest:?}", rest.len());
}
// ANCHOR_END: reader
