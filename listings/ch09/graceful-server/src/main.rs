use std::pin::pin;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

// ANCHOR: all
// ANCHOR: main
/// How long in-flight requests get to finish after Ctrl-C.
const GRACE: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);

    let tracker = TaskTracker::new();
    let cancel = CancellationToken::new();
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    loop {
        tokio::select! {
            // `biased` polls Ctrl-C first on every turn, so its handler is
            // installed before the first connection is accepted.
            biased;
            result = &mut ctrl_c => {
                result?;
                break;
            }
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    tracker.spawn(handle(socket, cancel.clone()));
                }
                Err(error) => eprintln!("accept failed: {error}"),
            },
        }
    }

    drop(listener); // stop accepting: new clients are refused
    let in_flight = tracker.len();
    println!("shutting down: no new connections, {in_flight} in flight");
    tracker.close();
    if tokio::time::timeout(GRACE, tracker.wait()).await.is_err() {
        println!("deadline passed: cancelling {}", tracker.len());
        cancel.cancel();
        tracker.wait().await;
    }
    println!("shut down cleanly");
    Ok(())
}
// ANCHOR_END: main

// ANCHOR: handle
/// Serves one request, `job <milliseconds>`: answers `working`, works
/// that long, then answers `done`, or `cancelled` if told to stop.
async fn handle(socket: TcpStream, cancel: CancellationToken) {
    let (reader, mut writer) = socket.into_split();
    let mut reader = BufReader::new(reader);
    let mut request = String::new();
    let read = reader.read_line(&mut request);
    let Some(Ok(_)) = cancel.run_until_cancelled(read).await else {
        return;
    };
    let job = request.trim().strip_prefix("job ");
    let Some(Ok(ms)) = job.map(str::parse) else {
        let _ = writer.write_all(b"bad request\n").await;
        return;
    };
    let _ = writer.write_all(b"working\n").await;
    let work = tokio::time::sleep(Duration::from_millis(ms));
    let reply = match cancel.run_until_cancelled(work).await {
        Some(()) => "done\n",
        None => "cancelled\n",
    };
    let _ = writer.write_all(reply.as_bytes()).await;
}
// ANCHOR_END: handle
// ANCHOR_END: all
