use tokio::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: server
/// Echoes the connection back to itself. `split` borrows the socket, and
/// both halves stay in this function, so a borrow is all we need.
async fn echo(mut socket: TcpStream) -> io::Result<u64> {
    let (mut reader, mut writer) = socket.split();
    io::copy(&mut reader, &mut writer).await
}
// ANCHOR_END: server

// ANCHOR: client
/// Sends lines from one task and receives the echoes in another.
async fn client(stream: TcpStream) -> io::Result<Vec<String>> {
    // Owned halves: each can move into a task of its own.
    let (reader, mut writer) = stream.into_split();

    let receiving = tokio::spawn(async move {
        let mut lines = BufReader::new(reader).lines();
        let mut received = Vec::new();
        while let Some(line) = lines.next_line().await? {
            received.push(line);
        }
        io::Result::Ok(received)
    });

    for line in ["one", "two", "three"] {
        writer.write_all(format!("{line}\n").as_bytes()).await?;
    }
    // Half-close: "I will send nothing more". The server's `copy` sees
    // the end, returns, and closes its side, which ends `receiving`.
    writer.shutdown().await?;

    receiving.await?
}
// ANCHOR_END: client

#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (socket, _peer) = listener.accept().await?;
        echo(socket).await
    });

    let received = client(TcpStream::connect(addr).await?).await?;
    println!("client received {received:?}");
    println!("server echoed {} bytes", server.await??);
    Ok(())
}
