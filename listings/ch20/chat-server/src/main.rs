use std::collections::HashMap;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;
use tokio_util::codec::{FramedRead, FramedWrite, LinesCodec};
use tokio_util::task::TaskTracker;

// ANCHOR: all
// ANCHOR: limits
/// How many lines may wait for one client; a client whose queue is full
/// when a line comes is too slow, and is disconnected.
const QUEUE: usize = 16;
/// The longest line a client may send, in bytes.
const MAX_LINE: usize = 1024;
/// How long one line may take to reach a client before we give up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the clients get to take their last lines at shutdown.
const GRACE: Duration = Duration::from_secs(10);

/// A line on its way to clients: one allocation, shared by every queue.
type Line = Arc<str>;
type Lines = FramedRead<OwnedReadHalf, LinesCodec>;
type Out = FramedWrite<OwnedWriteHalf, LinesCodec>;
// ANCHOR_END: limits

// ANCHOR: event
/// What connection tasks ask of the hub.
enum Event {
    /// Take this nickname; the answer is `None` if it is taken.
    Join {
        nick: String,
        reply: oneshot::Sender<Option<Joined>>,
    },
    /// Send this line, from this client, to everyone.
    Say { id: u64, text: String },
    /// This client is gone (it quit, or its connection ended).
    Leave { id: u64 },
    /// Tell everyone goodbye, let go of every client, and stop.
    Shutdown,
}

/// What a connection gets when its nickname is accepted.
struct Joined {
    id: u64,
    queue: mpsc::Receiver<Line>,
    bye: oneshot::Receiver<&'static str>,
}

/// The hub's side of one client.
struct Client {
    nick: String,
    queue: mpsc::Sender<Line>,
    /// The last line the client gets, the reason it was let go.
    bye: oneshot::Sender<&'static str>,
}
// ANCHOR_END: event

// ANCHOR: hub
/// The one task that owns the table of clients.
async fn hub(mut events: mpsc::Receiver<Event>) {
    let mut clients: HashMap<u64, Client> = HashMap::new();
    let mut next_id = 0;
    while let Some(event) = events.recv().await {
        match event {
            Event::Join { nick, reply } => {
                if clients.values().any(|client| client.nick == nick) {
                    let _ = reply.send(None);
                    continue;
                }
                next_id += 1;
                let (queue, queue_rx) = mpsc::channel(QUEUE);
                let (bye, bye_rx) = oneshot::channel();
                let joined = Joined {
                    id: next_id,
                    queue: queue_rx,
                    bye: bye_rx,
                };
                if reply.send(Some(joined)).is_ok() {
                    let online = clients.len() + 1;
                    let line = format!("*** {nick} joined, {online} online");
                    clients.insert(next_id, Client { nick, queue, bye });
                    broadcast(&mut clients, &line);
                }
            }
            Event::Say { id, text } => {
                if let Some(client) = clients.get(&id) {
                    let line = format!("{}: {text}", client.nick);
                    broadcast(&mut clients, &line);
                }
            }
            Event::Leave { id } => {
                if let Some(client) = clients.remove(&id) {
                    let _ = client.bye.send("*** bye");
                    broadcast(
                        &mut clients,
                        &format!("*** {} left", client.nick),
                    );
                }
            }
            Event::Shutdown => {
                for (_, client) in clients.drain() {
                    let _ = client.bye.send("*** server shutting down");
                }
                return;
            }
        }
    }
}
// ANCHOR_END: hub

// ANCHOR: deliver
/// Puts `line` in the queue of every client.
fn broadcast(clients: &mut HashMap<u64, Client>, line: &str) {
    let everyone: Vec<u64> = clients.keys().copied().collect();
    deliver(clients, &everyone, line);
}

/// Puts `line` in the queues of the clients `to`, without waiting. A
/// client whose queue is full is disconnected, and the others are told.
fn deliver(clients: &mut HashMap<u64, Client>, to: &[u64], line: &str) {
    let line = Line::from(line);
    let mut too_slow = Vec::new();
    for id in to {
        let Some(client) = clients.get(id) else {
            continue;
        };
        // `Closed` means the client's connection is ending; its task
        // sends `Leave`, so there is nothing to do here.
        if let Err(TrySendError::Full(_)) = client.queue.try_send(line.clone())
        {
            too_slow.push(*id);
        }
    }
    for id in too_slow {
        if let Some(client) = clients.remove(&id) {
            let _ = client.bye.send("*** you were too slow: disconnected");
            let notice = format!("*** {} left (too slow)", client.nick);
            broadcast(clients, &notice);
        }
    }
}
// ANCHOR_END: deliver

// ANCHOR: connection
/// Serves one client from connection to goodbye.
async fn connection(socket: TcpStream, hub: mpsc::Sender<Event>) {
    // Send each line at once, without waiting to fill a packet.
    let _ = socket.set_nodelay(true);
    let (read, write) = socket.into_split();
    let mut lines =
        FramedRead::new(read, LinesCodec::new_with_max_length(MAX_LINE));
    let mut out = FramedWrite::new(write, LinesCodec::new());
    let Some(Joined { id, queue, bye }) =
        join(&mut lines, &mut out, &hub).await
    else {
        return;
    };
    let mut writer = pin!(write_lines(out, queue, bye));
    tokio::select! {
        // The hub let the client go, or the client stopped taking lines:
        // stop reading too.
        () = &mut writer => {
            let _ = hub.send(Event::Leave { id }).await;
        }
        // The client quit or hung up. The hub answers `Leave` with the
        // client's `bye`, which the writer sends after what is queued.
        () = read_lines(&mut lines, &hub, id) => {
            let _ = hub.send(Event::Leave { id }).await;
            writer.await;
        }
    }
}

/// Asks for a nickname until the hub accepts one. `None` if the client
/// leaves first, or if the hub has stopped.
async fn join(
    lines: &mut Lines,
    out: &mut Out,
    hub: &mpsc::Sender<Event>,
) -> Option<Joined> {
    write_line(out, "*** welcome! send your nickname").await;
    loop {
        let nick = tokio::select! {
            line = lines.next() => line?.ok()?,
            () = hub.closed() => return None,
        };
        if nick.is_empty() || nick.contains(' ') || nick.starts_with('/') {
            write_line(out, "*** a nickname is one word, not starting with /")
                .await;
            continue;
        }
        let (reply, answer) = oneshot::channel();
        let join = Event::Join {
            nick: nick.clone(),
            reply,
        };
        hub.send(join).await.ok()?;
        match answer.await.ok()? {
            Some(joined) => return Some(joined),
            None => {
                write_line(out, &format!("*** {nick} is taken, try another"))
                    .await
            }
        };
    }
}

/// Passes each line the client sends to the hub, until `/quit`, the end
/// of the connection, or a line longer than `MAX_LINE`.
async fn read_lines(lines: &mut Lines, hub: &mpsc::Sender<Event>, id: u64) {
    while let Some(Ok(text)) = lines.next().await {
        if text == "/quit" {
            return;
        }
        if hub.send(Event::Say { id, text }).await.is_err() {
            return;
        }
    }
}
// ANCHOR_END: connection

// ANCHOR: writer
/// Writes the client's queue to its socket. When the hub lets the client
/// go (it drops the queue's sender), sends what is left in the queue,
/// then the reason the hub gave on `bye`.
async fn write_lines(
    mut out: Out,
    mut queue: mpsc::Receiver<Line>,
    bye: oneshot::Receiver<&'static str>,
) {
    while let Some(line) = queue.recv().await {
        if !write_line(&mut out, &line).await {
            return; // the client is gone, or took too long
        }
    }
    if let Ok(reason) = bye.await {
        write_line(&mut out, reason).await;
    }
}

/// Sends one line; `false` if that failed or took longer than
/// `WRITE_TIMEOUT`.
async fn write_line(out: &mut Out, line: &str) -> bool {
    matches!(timeout(WRITE_TIMEOUT, out.send(line)).await, Ok(Ok(())))
}
// ANCHOR_END: writer

// ANCHOR: main
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    // Installed before we say we are ready (chapter 9).
    let mut ctrl_c = pin!(ctrl_c()?);
    println!("listening on {}", listener.local_addr()?);

    let (events, events_rx) = mpsc::channel(64);
    let hub_task = tokio::spawn(hub(events_rx));
    let tracker = TaskTracker::new();
    loop {
        tokio::select! {
            biased;
            () = &mut ctrl_c => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    tracker.spawn(connection(socket, events.clone()));
                }
                Err(error) => eprintln!("accept failed: {error}"),
            },
        }
    }

    drop(listener);
    println!("shutting down: {} connections", tracker.len());
    let _ = events.send(Event::Shutdown).await;
    let _ = hub_task.await;
    tracker.close();
    if timeout(GRACE, tracker.wait()).await.is_err() {
        println!("deadline passed: dropping {}", tracker.len());
    } else {
        println!("every client told, shut down cleanly");
    }
    Ok(())
}
// ANCHOR_END: main

// ANCHOR: ctrl-c
/// Installs the handler for Ctrl-C (SIGINT) now, and returns a future
/// that completes when it arrives.
#[cfg(unix)]
fn ctrl_c() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        interrupt.recv().await;
    })
}
// ANCHOR_END: ctrl-c

/// On Windows, the same with `tokio::signal::windows::ctrl_c`.
#[cfg(windows)]
fn ctrl_c() -> std::io::Result<impl Future<Output = ()>> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(async move {
        ctrl_c.recv().await;
    })
}
// ANCHOR_END: all
