use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::{Framed, LinesCodec, LinesCodecError};

// ANCHOR: shout
/// Answers every line with the same line in capitals, until the other side
/// closes the connection. Returns how many lines it answered. It works on
/// any byte stream: a `TcpStream` in production, a `DuplexStream` in tests.
pub async fn shout<S>(stream: S) -> Result<usize, LinesCodecError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut lines = Framed::new(stream, LinesCodec::new());
    let mut count = 0;
    while let Some(line) = lines.next().await {
        lines.send(line?.to_uppercase()).await?;
        count += 1;
    }
    Ok(count)
}
// ANCHOR_END: shout

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn answers_each_line_and_counts_them() {
        let (client, server) = tokio::io::duplex(64);
        let server = tokio::spawn(shout(server));

        let mut client = Framed::new(client, LinesCodec::new());
        client.send("hello").await.unwrap();
        assert_eq!(client.next().await.unwrap().unwrap(), "HELLO");
        client.send("bye").await.unwrap();
        assert_eq!(client.next().await.unwrap().unwrap(), "BYE");

        drop(client); // the server sees the end of the stream
        assert_eq!(server.await.unwrap().unwrap(), 2);
    }

    #[tokio::test]
    async fn a_line_cut_in_pieces_is_one_line() {
        // 4 bytes in flight at most: the line arrives in pieces.
        let (mut client, server) = tokio::io::duplex(4);
        let server = tokio::spawn(shout(server));

        client.write_all(b"split in pieces\n").await.unwrap();
        client.shutdown().await.unwrap(); // half-close: nothing more to send

        let mut answer = String::new();
        client.read_to_string(&mut answer).await.unwrap();
        assert_eq!(answer, "SPLIT IN PIECES\n");
        assert_eq!(server.await.unwrap().unwrap(), 1);
    }
}
// ANCHOR_END: tests
