//! Starts the server, talks to it on 127.0.0.1, and stops it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// Stops the server even when an assertion fails.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn echoes_what_it_is_sent() {
    let child = Command::new(env!("CARGO_BIN_EXE_PACKAGE"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the server says where it listens");

    let mut client = TcpStream::connect(address).unwrap();
    client.write_all(b"hello").unwrap();
    let mut reply = [0; 5];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"hello");
}
