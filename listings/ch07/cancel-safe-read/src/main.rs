use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::{Duration, sleep};

/// Every message is exactly 8 bytes long.
const MESSAGE_LEN: usize = 8;

/// Sends three messages; the second arrives in two pieces, 150 ms apart.
async fn send_messages(mut stream: DuplexStream) {
    stream.write_all(b"message1").await.unwrap();
    stream.write_all(b"mess").await.unwrap();
    sleep(Duration::from_millis(150)).await;
    stream.write_all(b"age2").await.unwrap();
    stream.write_all(b"message3").await.unwrap();
}

// ANCHOR: reader
/// Reads messages until the stream ends, noting every quiet 100 ms. Bytes
/// that arrive are kept in `pending`, which outlives every `select!`, until
/// they make up a whole message. An I/O error is returned, not taken for
/// the end of the stream.
async fn read_messages(
    mut stream: impl AsyncRead + Unpin,
) -> io::Result<Vec<String>> {
    let mut messages = Vec::new();
    let mut pending = Vec::new();
    let mut chunk = [0; 64];
    loop {
        tokio::select! {
            // `read` is cancel safe: if the timer wins, nothing was read.
            result = stream.read(&mut chunk) => {
                let n = result?;
                if n == 0 && pending.is_empty() {
                    break; // the stream ended between two messages
                }
                if n == 0 {
                    let kind = io::ErrorKind::UnexpectedEof;
                    let error = "the stream ended inside a message";
                    return Err(io::Error::new(kind, error));
                }
                pending.extend_from_slice(&chunk[..n]);
                while pending.len() >= MESSAGE_LEN {
                    let message: Vec<u8> =
                        pending.drain(..MESSAGE_LEN).collect();
                    messages.push(String::from_utf8_lossy(&message).into());
                }
            }
            () = sleep(Duration::from_millis(100)) => {
                println!("quiet for 100 ms");
            }
        }
    }
    Ok(messages)
}
// ANCHOR_END: reader

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() -> io::Result<()> {
    let (writer, reader) = tokio::io::duplex(64);
    tokio::spawn(send_messages(writer));
    println!("received: {:?}", read_messages(reader).await?);
    Ok(())
}

// ANCHOR: test
#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn nothing_is_lost() {
        let (writer, reader) = tokio::io::duplex(64);
        tokio::spawn(send_messages(writer));

        let received = read_messages(reader).await.unwrap();

        assert_eq!(received, ["message1", "message2", "message3"]);
    }
}
// ANCHOR_END: test
