//! Starts the chat server, connects several clients on 127.0.0.1, and
//! checks what each one receives: broadcasts, leaving, a slow client,
//! and shutdown on a real SIGINT.
//!
//! The tests wait only for lines that the server or a client sends,
//! and for the end of the server's output. Every wait has a time limit,
//! so a broken server fails a test instead of hanging it. The SIGINT is
//! sent with the `kill` command, so the tests run on Unix only.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Lines, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_ch20-chat-server"))
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
        let first = lines.recv_timeout(LIMIT).expect("a first line");
        let address = first
            .strip_prefix("listening on ")
            .expect("the server says where it listens")
            .parse()
            .expect("a socket address");
        Server {
            child,
            lines,
            address,
        }
    }

    /// The next line the server prints.
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(LIMIT) {
            Ok(line) => line,
            Err(error) => panic!("no line from the server: {error}"),
        }
    }

    /// Sends SIGINT, what Ctrl-C in a terminal sends.
    fn ctrl_c(&self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-INT", &pid]).status();
        assert!(status.unwrap().success(), "kill -INT {pid} failed");
    }

    /// Waits for the process to exit: the reader thread sees the end of
    /// its stdout when it does. Fails after `LIMIT`, or on another line.
    fn exit_status(&mut self) -> ExitStatus {
        match self.lines.recv_timeout(LIMIT) {
            Err(RecvTimeoutError::Disconnected) => self.child.wait().unwrap(),
            Err(RecvTimeoutError::Timeout) => panic!("still running"),
            Ok(line) => panic!("one more line: {line}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One chat client: a socket to write to, and its lines to read.
struct Client {
    stream: TcpStream,
    lines: Lines<BufReader<TcpStream>>,
}

impl Client {
    /// Connects, without choosing a nickname yet.
    fn connect(address: SocketAddr) -> Client {
        let stream = TcpStream::connect_timeout(&address, LIMIT).unwrap();
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.set_write_timeout(Some(LIMIT)).unwrap();
        stream.set_nodelay(true).unwrap();
        let lines = BufReader::new(stream.try_clone().unwrap()).lines();
        let mut client = Client { stream, lines };
        client.expect("*** welcome! send your nickname");
        client
    }

    /// Connects and joins as `nick`, the `online`th client.
    fn join(address: SocketAddr, nick: &str, online: usize) -> Client {
        let mut client = Client::connect(address);
        client.say(nick);
        client.expect(&format!("*** {nick} joined, {online} online"));
        client
    }

    fn say(&mut self, text: &str) {
        writeln!(self.stream, "{text}").unwrap();
    }

    /// The next line, or `None` once the server has closed the
    /// connection.
    fn next(&mut self) -> Option<String> {
        match self.lines.next() {
            Some(Ok(line)) => Some(line),
            Some(Err(error)) => panic!("no line from the server: {error}"),
            None => None,
        }
    }

    fn expect(&mut self, wanted: &str) {
        let line = self.next().expect("the connection is open");
        assert_eq!(line, wanted);
    }

    /// Checks that the server has closed the connection.
    fn expect_end(&mut self) {
        assert_eq!(self.next(), None, "the connection is still open");
    }
}

#[test]
fn everyone_gets_every_line_in_the_same_order() {
    let server = Server::start();
    let mut alice = Client::join(server.address, "alice", 1);
    let mut bob = Client::join(server.address, "bob", 2);
    alice.expect("*** bob joined, 2 online");
    let mut carol = Client::join(server.address, "carol", 3);
    alice.expect("*** carol joined, 3 online");
    bob.expect("*** carol joined, 3 online");

    alice.say("hello");
    bob.say("hi alice");
    alice.say("how are you?");
    let mut seen = Vec::new();
    for client in [&mut alice, &mut bob, &mut carol] {
        // alice's two lines in her order, bob's wherever the hub put it.
        let lines = [0; 3].map(|_| client.next().unwrap());
        let alices: Vec<_> =
            lines.iter().filter(|l| l.starts_with("alice: ")).collect();
        assert_eq!(alices, ["alice: hello", "alice: how are you?"]);
        assert!(lines.contains(&"bob: hi alice".to_string()));
        seen.push(lines);
    }
    // And the hub put bob's line in the same place for everyone.
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0], seen[2]);
}

#[test]
fn a_nickname_is_taken_once() {
    let server = Server::start();
    let mut alice = Client::join(server.address, "alice", 1);
    let mut other = Client::connect(server.address);
    other.say("alice");
    other.expect("*** alice is taken, try another");
    other.say("alice two");
    other.expect("*** a nickname is one word, not starting with /");
    other.say("alice2");
    other.expect("*** alice2 joined, 2 online");
    alice.expect("*** alice2 joined, 2 online");
}

#[test]
fn leaving_by_quit_or_by_hanging_up() {
    let server = Server::start();
    let mut alice = Client::join(server.address, "alice", 1);
    let mut bob = Client::join(server.address, "bob", 2);
    alice.expect("*** bob joined, 2 online");
    let carol = Client::join(server.address, "carol", 3);
    alice.expect("*** carol joined, 3 online");
    bob.expect("*** carol joined, 3 online");

    bob.say("see you");
    bob.say("/quit");
    bob.expect("bob: see you");
    bob.expect("*** bye");
    bob.expect_end();
    alice.expect("bob: see you");
    alice.expect("*** bob left");

    drop(carol); // closes the connection without a word
    alice.expect("*** carol left");
    alice.say("anyone?");
    alice.expect("alice: anyone?");
}

// ANCHOR: slow-test
#[test]
fn a_client_that_never_reads_does_not_stall_the_others() {
    let server = Server::start();
    let mut slow = Client::join(server.address, "slow", 1);
    let mut alice = Client::join(server.address, "alice", 2);
    let mut bob = Client::join(server.address, "bob", 3);
    alice.expect("*** bob joined, 3 online");

    // alice sends 8 long lines at a time; she and bob read all 8 before
    // she sends more, so their queues never hold more than 8 of them.
    // slow reads nothing, until the server gives up on it.
    let padding = "x".repeat(900);
    let mut sent = 0;
    let mut slow_left = false;
    while !slow_left {
        assert!(sent < 100_000, "slow was never disconnected");
        let batch: Vec<_> =
            (sent..sent + 8).map(|n| format!("{n} {padding}")).collect();
        alice.say(&batch.join("\n"));
        for client in [&mut alice, &mut bob] {
            for n in sent..sent + 8 {
                let mut line = client.next().unwrap();
                if line == "*** slow left (too slow)" {
                    slow_left = true;
                    line = client.next().unwrap();
                }
                assert_eq!(line, format!("alice: {n} {padding}"));
            }
        }
        sent += 8;
    }

    // Now slow reads: the lines that were waiting for it, in order and
    // without a gap, then the reason, then the end of the connection.
    slow.expect("*** alice joined, 2 online");
    slow.expect("*** bob joined, 3 online");
    let mut received = 0;
    let last = loop {
        let line = slow.next().expect("a last line before the end");
        if line != format!("alice: {received} {padding}") {
            break line;
        }
        received += 1;
    };
    assert_eq!(last, "*** you were too slow: disconnected");
    slow.expect_end();
    assert!(received < sent, "slow got {received} of {sent}");
}
// ANCHOR_END: slow-test

// ANCHOR: ctrl-c-test
#[test]
fn ctrl_c_tells_every_client_and_exits() {
    let mut server = Server::start();
    let mut alice = Client::join(server.address, "alice", 1);
    let mut bob = Client::join(server.address, "bob", 2);
    alice.expect("*** bob joined, 2 online");
    alice.say("last words");
    alice.expect("alice: last words");

    server.ctrl_c();
    assert_eq!(server.line(), "shutting down: 2 connections");
    // bob has not read alice's line yet: it comes before the goodbye.
    bob.expect("alice: last words");
    for client in [&mut alice, &mut bob] {
        client.expect("*** server shutting down");
        client.expect_end();
    }
    assert_eq!(server.line(), "every client told, shut down cleanly");
    let status = server.exit_status();
    assert!(status.success(), "exited with {status}");
}
// ANCHOR_END: ctrl-c-test
