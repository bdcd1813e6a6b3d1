//! Starts the server, gives it work, sends it a real SIGINT (what Ctrl-C
//! sends), and checks that it drains the work and exits.
//!
//! The only waits are for lines the server or a client sends; the time
//! limits are there to fail instead of hanging, and are generous.

use std::io::{BufRead, BufReader, Lines, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The server's grace period (`GRACE` in `src/main.rs`).
const GRACE: Duration = Duration::from_secs(3);

/// A running server. Killed on drop, so a failed test leaves nothing
/// behind.
struct Server {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    address: String,
}

impl Server {
    fn start() -> Server {
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_ch09-graceful-server"))
                .stdout(Stdio::piped())
                .spawn()
                .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stdout = BufReader::new(stdout).lines();
        let first = stdout.next().expect("a first line").unwrap();
        let address = first
            .strip_prefix("listening on ")
            .expect("the server says where it listens")
            .to_string();
        Server {
            child,
            stdout,
            address,
        }
    }

    /// The next line the server prints.
    fn line(&mut self) -> String {
        self.stdout.next().expect("another line").unwrap()
    }

    // ANCHOR: interrupt
    /// Sends SIGINT, as Ctrl-C in a terminal does.
    fn interrupt(&self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-INT", &pid]).status();
        assert!(status.unwrap().success(), "kill -INT {pid} failed");
    }
    // ANCHOR_END: interrupt

    /// Waits for the process to exit, failing after `limit`.
    fn exit_status(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < limit, "still running after {limit:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `job <ms>` and waits until the server says it is working on it.
fn start_job(address: &str, ms: u64) -> Lines<BufReader<TcpStream>> {
    let mut stream = TcpStream::connect(address).unwrap();
    writeln!(stream, "job {ms}").unwrap();
    let mut replies = BufReader::new(stream).lines();
    assert_eq!(replies.next().unwrap().unwrap(), "working");
    replies
}

// ANCHOR: drain-test
#[test]
fn drains_in_flight_requests_on_ctrl_c() {
    let mut server = Server::start();
    let clients: Vec<_> = [100, 200, 300]
        .into_iter()
        .map(|ms| start_job(&server.address, ms))
        .collect();

    server.interrupt();
    let interrupted = Instant::now();
    assert_eq!(
        server.line(),
        "shutting down: no new connections, 3 in flight"
    );
    assert!(
        TcpStream::connect(&server.address).is_err(),
        "the server still accepts connections"
    );
    for mut replies in clients {
        assert_eq!(replies.next().unwrap().unwrap(), "done");
    }
    // No "deadline passed" line: everything finished in time.
    assert_eq!(server.line(), "shut down cleanly");
    let status = server.exit_status(Duration::from_secs(30));
    assert!(status.success(), "exited with {status}");
    assert!(interrupted.elapsed() < GRACE + Duration::from_secs(5));
}
// ANCHOR_END: drain-test

#[test]
fn cancels_what_is_left_at_the_deadline() {
    let mut server = Server::start();
    let mut replies = start_job(&server.address, 600_000);

    server.interrupt();
    let interrupted = Instant::now();
    assert_eq!(
        server.line(),
        "shutting down: no new connections, 1 in flight"
    );
    assert_eq!(server.line(), "deadline passed: cancelling 1");
    assert_eq!(replies.next().unwrap().unwrap(), "cancelled");
    assert_eq!(server.line(), "shut down cleanly");
    let status = server.exit_status(Duration::from_secs(30));
    assert!(status.success(), "exited with {status}");
    assert!(interrupted.elapsed() >= GRACE);
}
