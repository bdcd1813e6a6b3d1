//! What the paused clock does while a test waits for something that is
//! not a timer: a socket, or a blocking task.

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::time::{Instant, timeout};

    const HOUR: Duration = Duration::from_secs(3600);

    /// A client and the server's end of the same loopback connection.
    async fn connected_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap());
        let (client, accepted) = tokio::join!(client, listener.accept());
        (client.unwrap(), accepted.unwrap().0)
    }

    #[tokio::test(start_paused = true)]
    async fn with_no_timer_the_clock_waits_for_the_socket() {
        let (mut client, mut server) = connected_pair().await;
        let start = Instant::now();

        client.write_all(b"ping").await.unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();

        assert_eq!(&buf, b"ping");
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn with_a_timer_the_clock_jumps_past_the_socket() {
        let (mut client, _server) = connected_pair().await; // never writes
        let real_start = std::time::Instant::now();
        let start = Instant::now();

        let mut buf = [0; 4];
        let read = timeout(HOUR, client.read(&mut buf)).await;

        assert!(read.is_err(), "the read timed out");
        assert_eq!(start.elapsed(), HOUR);
        assert!(real_start.elapsed() < Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_blocking_task_holds_the_clock_still() {
        let start = Instant::now();

        let blocking = tokio::task::spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(100)); // real time
            42
        });
        let answer = timeout(Duration::from_millis(1), blocking).await;

        assert_eq!(answer.expect("no timeout").unwrap(), 42);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
// ANCHOR_END: tests
