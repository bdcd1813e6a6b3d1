//! What the paused clock does while a test waits for something that is
//! not a timer: a socket, or a blocking task.

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::SocketAddr;
    use std::time::Duration;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;
    use tokio::time::{Instant, timeout};

    const HOUR: Duration = Duration::from_secs(3600);

    /// A loopback server on a thread of its own, which accepts one
    /// connection and answers "pong" after `delay` of real time.
    fn late_server(delay: Duration) -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            std::thread::sleep(delay); // real time
            let _ = stream.write_all(b"pong"); // the client may be gone
        });
        addr
    }

    #[tokio::test(start_paused = true)]
    async fn with_no_timer_the_runtime_waits_for_the_socket() {
        let real_start = std::time::Instant::now();
        let addr = late_server(Duration::from_millis(100));
        let mut client = TcpStream::connect(addr).await.unwrap();
        let start = Instant::now();

        let mut buf = [0; 4];
        client.read_exact(&mut buf).await.unwrap();

        assert_eq!(&buf, b"pong");
        assert_eq!(start.elapsed(), Duration::ZERO); // tokio's clock
        assert!(real_start.elapsed() >= Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn with_a_timer_the_clock_jumps_past_the_socket() {
        let addr = late_server(Duration::from_secs(1));
        let mut client = TcpStream::connect(addr).await.unwrap();
        let start = Instant::now();

        let mut buf = [0; 4];
        let read = timeout(HOUR, client.read_exact(&mut buf)).await;

        assert!(read.is_err(), "the read timed out");
        assert_eq!(start.elapsed(), HOUR);
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
