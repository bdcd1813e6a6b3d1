use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{Framed, LinesCodec, LinesCodecError};

// ANCHOR: server
/// Answers every line with the same line in capitals, until the client
/// closes the connection. Returns how many lines it answered.
async fn shout(socket: TcpStream) -> Result<usize, LinesCodecError> {
    let mut lines = Framed::new(socket, LinesCodec::new());
    let mut count = 0;
    // `next` (from `StreamExt`) gives the next whole line, without its
    // newline, or `None` once the client has closed the connection.
    while let Some(line) = lines.next().await {
        let line = line?;
        // `send` (from `SinkExt`) encodes the line, adds the newline, and
        // flushes it to the socket.
        lines.send(line.to_uppercase()).await?;
        count += 1;
    }
    Ok(count)
}
// ANCHOR_END: server

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (socket, _peer) = listener.accept().await?;
        shout(socket).await
    });

    let socket = TcpStream::connect(addr).await?;
    let mut client = Framed::new(socket, LinesCodec::new());
    for word in ["hello", "framed world"] {
        client.send(word).await?;
        let answer = client.next().await.expect("server hung up")?;
        println!("client sent {word:?}, got {answer:?}");
    }
    drop(client); // closes the connection

    let count = server.await??;
    println!("server answered {count} lines");
    Ok(())
}
// ANCHOR_END: main
