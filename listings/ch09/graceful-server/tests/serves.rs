//! Starts the server, gives it work, sends it a real signal (SIGINT,
//! what Ctrl-C sends, or SIGTERM, what deployment tools send), and
//! checks that it drains the work and exits.
//!
//! The tests wait only for lines that the server or a client sends.
//! Every read has a time limit, so a broken server fails a test instead
//! of hanging it. The tests send signals with the `kill` command, so
//! they run on Unix only.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Lines, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The server's grace period (`GRACE` in `src/main.rs`).
const GRACE: Duration = Duration::from_secs(3);

/// How long any one wait may take before the test fails. Generous, so
/// that a busy machine does not fail a correct server.
const LIMIT: Duration = Duration::from_secs(30);

/// A running server. Killed on drop, so a failed test leaves nothing
/// behind.
struct Server {
    child: Child,
    /// The server's stdout, line by line, read on a separate thread so
    /// that waiting for a line can time out.
    lines: Receiver<String>,
    address: SocketAddr,
}

impl Server {
    fn start() -> Server {
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_ch09-graceful-server"))
                .stdout(Stdio::piped())
                .spawn()
                .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            lines,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        // The server prints this line once its signal handlers are
        // installed, so from here on a signal cannot kill it.
        let first = server.line();
        server.address = first
            .strip_prefix("listening on ")
            .expect("the server says where it listens")
            .parse()
            .expect("a socket address");
        server
    }

    /// The next line the server prints.
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(LIMIT) {
            Ok(line) => line,
            Err(error) => panic!("no line from the server: {error}"),
        }
    }

    // ANCHOR: signal
    /// Sends a signal (`INT` or `TERM`) as a terminal or a deployment
    /// tool would.
    fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args([format!("-{name}"), pid.clone()])
            .status();
        assert!(status.unwrap().success(), "kill -{name} {pid} failed");
    }
    // ANCHOR_END: signal

    /// Waits for the process to exit, failing after `LIMIT`.
    fn exit_status(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < LIMIT, "still running after {LIMIT:?}");
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

/// A client connection whose reads fail after `LIMIT`.
fn connect(address: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&address, LIMIT)?;
    stream.set_read_timeout(Some(LIMIT))?;
    stream.set_write_timeout(Some(LIMIT))?;
    Ok(stream)
}

/// The next line from a client connection.
fn reply(replies: &mut Lines<BufReader<TcpStream>>) -> String {
    match replies.next() {
        Some(Ok(line)) => line,
        Some(Err(error)) => panic!("no reply from the server: {error}"),
        None => panic!("the server closed the connection"),
    }
}

/// Sends `job <ms>` and waits until the server says it is working on it.
fn start_job(address: SocketAddr, ms: u64) -> Lines<BufReader<TcpStream>> {
    let mut stream = connect(address).expect("the server accepts");
    writeln!(stream, "job {ms}").unwrap();
    let mut replies = BufReader::new(stream).lines();
    assert_eq!(reply(&mut replies), "working");
    replies
}

// ANCHOR: drain-test
#[test]
fn drains_in_flight_requests_on_sigint() {
    let mut server = Server::start();
    // Long enough to outlast starting the others and the signal on a busy
    // machine, short enough to end within the grace period (3 s).
    let clients: Vec<_> = [2000, 2100, 2200]
        .into_iter()
        .map(|ms| start_job(server.address, ms))
        .collect();

    server.signal("INT");
    assert_eq!(server.line(), "SIGINT: stopped accepting, 3 in flight");
    assert!(
        connect(server.address).is_err(),
        "the server still accepts connections"
    );
    for mut replies in clients {
        assert_eq!(reply(&mut replies), "done");
    }
    // No "deadline passed" line: everything finished in time.
    assert_eq!(server.line(), "shut down cleanly");
    let status = server.exit_status();
    assert!(status.success(), "exited with {status}");
}
// ANCHOR_END: drain-test

#[test]
fn cancels_what_is_left_at_the_deadline_on_sigterm() {
    let mut server = Server::start();
    let mut replies = start_job(server.address, 600_000);

    // Taken before the signal is sent, so the grace period the server
    // measures after receiving it fits inside what we measure.
    let signalled = Instant::now();
    server.signal("TERM");
    assert_eq!(server.line(), "SIGTERM: stopped accepting, 1 in flight");
    assert_eq!(server.line(), "deadline passed: cancelling 1");
    assert_eq!(reply(&mut replies), "cancelled");
    assert_eq!(server.line(), "shut down cleanly");
    let status = server.exit_status();
    assert!(status.success(), "exited with {status}");
    assert!(signalled.elapsed() >= GRACE);
}
