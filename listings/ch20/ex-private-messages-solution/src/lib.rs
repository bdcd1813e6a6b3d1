//! The chat server of chapter 20 as a library, so that its tests can
//! start it in-process: `serve` runs it on a listener.
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

// ANCHOR: all
// ANCHOR: solution
/// `/msg NICK TEXT`: puts `FROM -> NICK: TEXT` in the queues of NICK and
/// of the sender `from`, and of no one else. If no client is called
/// NICK, tells the sender `*** no one is called NICK`; if there is no
/// TEXT, tells it `*** usage: /msg NICK TEXT`.
fn private_message(clients: &mut HashMap<u64, Client>, from: u64, rest: &str) {
    let (nick, text) = rest.split_once(' ').unwrap_or((rest, ""));
    let text = text.trim();
    if text.is_empty() {
        deliver(clients, &[from], "*** usage: /msg NICK TEXT");
        return;
    }
    let to = clients.iter().find(|(_, client)| client.nick == nick);
    let Some((&to, _)) = to else {
        let line = format!("*** no one is called {nick}");
        deliver(clients, &[from], &line);
        return;
    };
    let Some(sender) = clients.get(&from) else {
        return;
    };
    let line = format!("{} -> {nick}: {text}", sender.nick);
    // One copy, not two, for a message to oneself.
    let to: &[u64] = if to == from { &[from] } else { &[from, to] };
    deliver(clients, to, &line);
}
// ANCHOR_END: solution

/// How many lines may wait for one client; a client whose queue is full
/// when a line comes is too slow, and is disconnected.
const QUEUE: usize = 16;
/// The longest line a client may send, in bytes.
const MAX_LINE: usize = 1024;
/// How long one line may take to reach a client before we give up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// A line on its way to clients: one allocation, shared by every queue.
type Line = Arc<str>;
type Lines = FramedRead<OwnedReadHalf, LinesCodec>;
type Out = FramedWrite<OwnedWriteHalf, LinesCodec>;

/// Accepts clients on `listener`, for as long as the returned future is
/// polled.
pub async fn serve(listener: TcpListener) {
    let (events, events_rx) = mpsc::channel(64);
    tokio::spawn(hub(events_rx));
    while let Ok((socket, _)) = listener.accept().await {
        tokio::spawn(connection(socket, events.clone()));
    }
}

/// What connection tasks ask of the hub.
enum Event {
    /// Take this nickname; the answer is `None` if it is taken.
    Join {
        nick: String,
        reply: oneshot::Sender<Option<Joined>>,
    },
    /// This line comes from this client.
    Say { id: u64, text: String },
    /// This client is gone (it quit, or its connection ended).
    Leave { id: u64 },
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

// ANCHOR: say
/// The one task that owns the table of clients.
async fn hub(mut events: mpsc::Receiver<Event>) {
    let mut clients: HashMap<u64, Client> = HashMap::new();
    let mut next_id = 0;
    while let Some(event) = events.recv().await {
        match event {
            // ANCHOR_END: say
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
            Event::Leave { id } => {
                if let Some(client) = clients.remove(&id) {
                    let _ = client.bye.send("*** bye");
                    broadcast(
                        &mut clients,
                        &format!("*** {} left", client.nick),
                    );
                }
            }
            // ANCHOR: say
            Event::Say { id, text } => {
                if let Some(rest) = text.strip_prefix("/msg ") {
                    private_message(&mut clients, id, rest);
                } else if let Some(client) = clients.get(&id) {
                    let line = format!("{}: {text}", client.nick);
                    broadcast(&mut clients, &line);
                }
            }
        }
    }
}
// ANCHOR_END: say

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
        () = &mut writer => {
            let _ = hub.send(Event::Leave { id }).await;
        }
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

/// Writes the client's queue to its socket, then the reason the hub gave
/// on `bye` once it drops the queue's sender.
async fn write_lines(
    mut out: Out,
    mut queue: mpsc::Receiver<Line>,
    bye: oneshot::Receiver<&'static str>,
) {
    while let Some(line) = queue.recv().await {
        if !write_line(&mut out, &line).await {
            return;
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

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio_util::codec::Framed;

    /// How long a test waits for a line before it fails.
    const LIMIT: Duration = Duration::from_secs(30);

    /// Starts the server on a free port of 127.0.0.1.
    async fn start() -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener));
        address
    }

    struct Client(Framed<TcpStream, LinesCodec>);

    impl Client {
        /// Connects and joins as `nick`, the `online`th client.
        async fn join(
            address: std::net::SocketAddr,
            nick: &str,
            online: u32,
        ) -> Client {
            let socket = TcpStream::connect(address).await.unwrap();
            let mut client = Client(Framed::new(socket, LinesCodec::new()));
            client.expect("*** welcome! send your nickname").await;
            client.say(nick).await;
            client
                .expect(&format!("*** {nick} joined, {online} online"))
                .await;
            client
        }

        async fn say(&mut self, text: &str) {
            self.0.send(text).await.unwrap();
        }

        async fn expect(&mut self, wanted: &str) {
            let line = timeout(LIMIT, self.0.next()).await;
            let line = line.expect("a line in time").expect("open").unwrap();
            assert_eq!(line, wanted);
        }
    }

    /// alice, bob and carol, each having read the others' join lines.
    async fn three() -> (Client, Client, Client) {
        let address = start().await;
        let mut alice = Client::join(address, "alice", 1).await;
        let mut bob = Client::join(address, "bob", 2).await;
        alice.expect("*** bob joined, 2 online").await;
        let carol = Client::join(address, "carol", 3).await;
        alice.expect("*** carol joined, 3 online").await;
        bob.expect("*** carol joined, 3 online").await;
        (alice, bob, carol)
    }

    #[tokio::test]
    async fn a_private_message_reaches_only_its_target() {
        let (mut alice, mut bob, mut carol) = three().await;
        alice.say("/msg bob are you there?").await;
        alice.say("hello all").await;
        for client in [&mut alice, &mut bob] {
            client.expect("alice -> bob: are you there?").await;
            client.expect("alice: hello all").await;
        }
        // carol's next line is the public one.
        carol.expect("alice: hello all").await;
    }

    #[tokio::test]
    async fn an_unknown_nickname_is_reported_to_the_sender() {
        let (mut alice, mut bob, _carol) = three().await;
        alice.say("/msg zed hi").await;
        alice.expect("*** no one is called zed").await;
        bob.say("/msg alice hi alice").await;
        for client in [&mut alice, &mut bob] {
            client.expect("bob -> alice: hi alice").await;
        }
    }

    #[tokio::test]
    async fn a_message_to_oneself_arrives_once() {
        let (mut alice, mut bob, _carol) = three().await;
        alice.say("/msg alice note to self").await;
        alice.say("back").await;
        alice.expect("alice -> alice: note to self").await;
        // alice's next line is the public one: one copy, not two.
        alice.expect("alice: back").await;
        bob.expect("alice: back").await;
    }

    #[tokio::test]
    async fn a_message_without_text_gets_the_usage() {
        let (mut alice, mut bob, _carol) = three().await;
        alice.say("/msg bob").await;
        alice.expect("*** usage: /msg NICK TEXT").await;
        alice.say("/msg bob  ").await;
        alice.expect("*** usage: /msg NICK TEXT").await;
        alice.say("bye").await;
        bob.expect("alice: bye").await;
    }
}
// ANCHOR_END: tests
// ANCHOR_END: all
