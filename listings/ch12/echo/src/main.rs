use tokio::io::{self, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: server
/// Echoes everything it reads back to the client, until the client shuts
/// down its side. Returns how many bytes it echoed.
async fn echo(mut socket: TcpStream) -> io::Result<usize> {
    let mut buf = [0; 1024];
    let mut total = 0;
    loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            // `read` returned 0: the client will send nothing more.
            return Ok(total);
        }
        socket.write_all(&buf[..n]).await?;
        total += n;
    }
}
// ANCHOR_END: server

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    // Port 0: the operating system picks a free port.
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;

    // The server accepts one connection and echoes it.
    let server = tokio::spawn(async move {
        let (socket, _peer) = listener.accept().await?;
        echo(socket).await
    });

    // The client sends two lines, then shuts down its writing half.
    let mut client = TcpStream::connect(addr).await?;
    client.write_all(b"hello\n").await?;
    client.write_all(b"world\n").await?;
    client.shutdown().await?;

    // It can still read: the other direction is open until the server
    // closes it, which it does when `echo` returns and drops the socket.
    let mut echoed = String::new();
    client.read_to_string(&mut echoed).await?;
    println!("client got back: {echoed:?}");

    let total = server.await??;
    println!("server echoed {total} bytes, then saw the end of the stream");
    Ok(())
}
// ANCHOR_END: main
