use std::pin::pin;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

// ANCHOR: all
// ANCHOR: main
/// How long in-flight requests get to finish after the signal.
const GRACE: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    // The handlers are installed here, before we say that we are ready.
    let mut stop = pin!(stop_signal()?);
    println!("listening on {}", listener.local_addr()?);

    let tracker = TaskTracker::new();
    let cancel = CancellationToken::new();
    let signal = loop {
        tokio::select! {
            // Check for a signal first on every turn, so that it wins
            // over a connection that is waiting at the same moment.
            biased;
            signal = &mut stop => break signal,
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    tracker.spawn(handle(socket, cancel.clone()));
                }
                Err(error) => eprintln!("accept failed: {error}"),
            },
        }
    };

    drop(listener); // stop accepting: new clients are refused
    let in_flight = tracker.len();
    println!("{signal}: stopped accepting, {in_flight} in flight");
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

// ANCHOR: signal
/// Installs handlers for SIGINT (Ctrl-C) and SIGTERM (what deployment
/// tools send) now, and returns a future that completes with the name
/// of the first of them to arrive.
#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    })
}
// ANCHOR_END: signal

/// `tokio::signal::unix` exists only on Unix; on Windows, wait for
/// Ctrl-C.
#[cfg(windows)]
fn stop_signal() -> std::io::Result<impl Future<Output = &'static str>> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(async move {
        ctrl_c.recv().await;
        "Ctrl-C"
    })
}

// ANCHOR: handle
/// Serves one request, `job <milliseconds>`: answers `working`, works
/// that long, then answers `done`, or `cancelled` if told to stop.
async fn handle(socket: TcpStream, cancel: CancellationToken) {
    let (reader, mut writer) = socket.into_split();
    let mut reader = BufReader::new(reader);
    let mut request = String::new();
    let read = reader.read_line(&mut request);
    // Cancelled before a request arrived: close without an answer.
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
