// ANCHOR: all
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// An echo server: it sends back every byte it receives.
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buffer = [0; 1024];
            while let Ok(n) = socket.read(&mut buffer).await {
                if n == 0 || socket.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        });
    }
}
// ANCHOR_END: all
