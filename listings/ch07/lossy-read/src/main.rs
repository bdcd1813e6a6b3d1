use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::{Duration, sleep};

// ANCHOR: sender
/// Every message is exactly 8 bytes long.
const MESSAGE_LEN: usize = 8;

/// Sends three messages; the second arrives in two pieces, 150 ms apart,
/// as can happen on any network.
async fn send_messages(mut stream: DuplexStream) {
    stream.write_all(b"message1").await.unwrap();
    stream.write_all(b"mess").await.unwrap();
    sleep(Duration::from_millis(150)).await;
    stream.write_all(b"age2").await.unwrap();
    stream.write_all(b"message3").await.unwrap();
} // dropping the stream closes it: the reader sees the end
// ANCHOR_END: sender

// ANCHOR: reader
/// Reads messages until the stream ends. Every 100 ms without a complete
/// message it notes that the line is quiet (a real program might send a
/// keep-alive or check for shutdown there).
async fn read_messages(mut stream: impl AsyncRead + Unpin) -> Vec<String> {
    let mut messages = Vec::new();
    loop {
        let mut buf = [0; MESSAGE_LEN];
        tokio::select! {
            result = stream.read_exact(&mut buf) => {
                if result.is_err() {
                    break; // the stream ended
                }
                messages.push(String::from_utf8_lossy(&buf).into_owned());
            }
            () = sleep(Duration::from_millis(100)) => {
                println!("quiet for 100 ms");
            }
        }
    }
    messages
}
// ANCHOR_END: reader

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (writer, reader) = tokio::io::duplex(64);
    tokio::spawn(send_messages(writer));
    println!("received: {:?}", read_messages(reader).await);
}

// ANCHOR: test
#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_timer_in_select_loses_data() {
        let (writer, reader) = tokio::io::duplex(64);
        tokio::spawn(send_messages(writer));

        let received = read_messages(reader).await;

        // "mess" vanished, so the reader is out of step with the sender.
        assert_eq!(received, ["message1", "age2mess"]);
        let bytes: usize = received.iter().map(String::len).sum();
        assert!(bytes < 3 * MESSAGE_LEN, "only {bytes} of 24 bytes arrived");
    }
}
// ANCHOR_END: test
