// ANCHOR: all
use std::io::{Read, Write};
use std::net::TcpListener;

// An echo server: it sends back every byte it receives.
fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("listening on {}", listener.local_addr()?);
    for socket in listener.incoming() {
        let mut socket = socket?;
        std::thread::spawn(move || {
            let mut buffer = [0; 1024];
            while let Ok(n) = socket.read(&mut buffer) {
                if n == 0 || socket.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}
// ANCHOR_END: all
