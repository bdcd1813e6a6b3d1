//! The HTTP server around the book and the playground: connection hygiene
//! (header and write timeouts, a cap on open connections) and the checks every
//! response gets (its own Host only, no framing).
//!
//! - [`site`] wraps the whole app, static files included: a request must
//!   name exactly one `Host`, our own loopback address and port (DNS
//!   rebinding), and at most one `Origin`; every reply, error replies
//!   included, forbids framing and MIME sniffing.
//! - [`Server::serve`] is the accept loop: hyper's HTTP/1 connection with
//!   its header-read timeout (which also closes a keep-alive connection
//!   idle that long), and at most [`Limits::max_connections`] connections
//!   open. At the cap a new connection evicts the oldest one that is not
//!   handling a request (idle, or still sending its head), so neither
//!   1,000 idle sockets nor a slowloris client exhausts file descriptors
//!   or locks readers out; when every open connection is handling a
//!   request, the new one is closed at once. Since one handling a request
//!   is never evicted, its writes may stall at most
//!   [`Limits::write_timeout`]: a client that stops reading a reply is
//!   cut off then.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::{Result, bail};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt as _;

use crate::server::ApiError;

/// How long and how many connections may stay open.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From a connection's opening, or the end of its previous reply, to
    /// the end of the next request's head. A connection that sends nothing
    /// (idle keep-alive) or trickles its head is closed after it.
    pub header_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// How long a write may wait for the client to read: a client that
    /// stops reading a reply is cut off after it.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        // 256 sockets stay well under the usual 1,024 file descriptors,
        // with room for the Runs' pipes.
        Limits {
            header_timeout: Duration::from_secs(10),
            max_connections: 256,
            write_timeout: Duration::from_secs(10),
        }
    }
}

/// The accept loop, and what it knows of the connections it keeps.
pub struct Server {
    limits: Limits,
    connections: Mutex<Connections>,
}

#[derive(Default)]
struct Connections {
    next_id: u64,
    /// Oldest first.
    open: BTreeMap<u64, Connection>,
    evicted: u64,
    refused: u64,
}

struct Connection {
    /// Requests being handled on it now.
    busy: Arc<AtomicUsize>,
    evict: Arc<Notify>,
}

/// Counts of connections, for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionStats {
    pub open: usize,
    /// Closed to make room for a new one.
    pub evicted: u64,
    /// Closed on arrival: every open connection was handling a request.
    pub refused: u64,
}

impl Server {
    pub fn new(limits: Limits) -> Arc<Server> {
        Arc::new(Server { limits, connections: Mutex::new(Connections::default()) })
    }

    pub fn stats(&self) -> ConnectionStats {
        let connections = self.lock();
        ConnectionStats {
            open: connections.open.len(),
            evicted: connections.evicted,
            refused: connections.refused,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connections> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serves `app` on `listener` until `shutdown` completes; then stops
    /// accepting and returns (connections still open end with the runtime).
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        app: Router,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => return Ok(()),
                accepted = listener.accept() => accepted,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors (another process's doing, since
                // we stay under the cap), or a connection reset before we
                // took it: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Some((id, busy, evict)) = self.admit() else {
                drop(stream);
                continue;
            };
            let _ = stream.set_nodelay(true);
            let server = Arc::clone(&self);
            let app = app.clone();
            tokio::spawn(async move {
                let _open = Open { server: &server, id };
                let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                    let busy = Busy::new(&busy);
                    let app = app.clone();
                    async move {
                        let response = app.oneshot(request.map(Body::new)).await;
                        drop(busy);
                        response
                    }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(server.limits.header_timeout)
                    .serve_connection(
                        TokioIo::new(WriteTimeout::new(stream, server.limits.write_timeout)),
                        service,
                    );
                tokio::select! {
                    _ = connection => {}
                    () = evict.notified() => {}
                }
            });
        }
    }

    /// Makes room for a new connection: its id, busy count and eviction
    /// signal, or `None` when it must be refused.
    fn admit(&self) -> Option<(u64, Arc<AtomicUsize>, Arc<Notify>)> {
        let mut connections = self.lock();
        if connections.open.len() >= self.limits.max_connections {
            let idle = connections
                .open
                .iter()
                .find(|(_, c)| c.busy.load(Ordering::SeqCst) == 0)
                .map(|(id, _)| *id);
            match idle {
                Some(id) => {
                    let evicted = connections.open.remove(&id).expect("found above");
                    // Stored if the task is not waiting yet.
                    evicted.evict.notify_one();
                    connections.evicted += 1;
                }
                None => {
                    connections.refused += 1;
                    return None;
                }
            }
        }
        let id = connections.next_id;
        connections.next_id += 1;
        let busy = Arc::new(AtomicUsize::new(0));
        let evict = Arc::new(Notify::new());
        connections
            .open
            .insert(id, Connection { busy: Arc::clone(&busy), evict: Arc::clone(&evict) });
        Some((id, busy, evict))
    }
}

/// Forgets a connection when its task ends, however it ends.
struct Open<'a> {
    server: &'a Server,
    id: u64,
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.server.lock().open.remove(&self.id);
    }
}

/// A request being handled: its connection is not evicted meanwhile.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn new(count: &Arc<AtomicUsize>) -> Busy {
        count.fetch_add(1, Ordering::SeqCst);
        Busy(Arc::clone(count))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A connection whose writes may wait at most `limit` for the client to
/// make room (read): hyper has a timeout for reading a request's head but
/// none for writing a reply.
struct WriteTimeout<S> {
    inner: S,
    limit: Duration,
    /// Started when a write first found no room; reset by any progress.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> WriteTimeout<S> {
    fn new(inner: S, limit: Duration) -> WriteTimeout<S> {
        WriteTimeout { inner, limit, stalled: None }
    }

    /// `polled`, unless writing has waited `limit` with no progress.
    fn check<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled = None;
            return polled;
        }
        let limit = self.limit;
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client read nothing of the reply for {limit:?}"),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteTimeout<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.check(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.check(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.check(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

// ------------------------------------------------------------ the site ----

/// The addresses a request may name in `Host`.
pub(crate) fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    vec![format!("{addr}"), format!("localhost:{}", addr.port())]
}

/// Refuses an address other machines could reach: whatever is served with
/// the playground runs code for whoever can reach it.
pub(crate) fn check_loopback(addr: SocketAddr) -> Result<()> {
    if !addr.ip().is_loopback() {
        bail!(
            "the local playground runs any code it is sent, so it only listens on a loopback \
             address (127.0.0.1), not on {addr}"
        );
    }
    Ok(())
}

/// The whole site, `app` (the book's files and the playground's routes)
/// behind the checks every request and reply get, for a server listening
/// on `addr`.
pub fn site(addr: SocketAddr, app: Router) -> Result<Router> {
    check_loopback(addr)?;
    let hosts = Arc::new(allowed_hosts(addr));
    Ok(app.layer(middleware::from_fn_with_state(hosts, site_guard)))
}

async fn site_guard(
    State(hosts): State<Arc<Vec<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = match check_host(&hosts, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The one value of a header that must not be repeated: `Ok(None)` when
/// absent, an error when sent twice (a proxy and a client may disagree on
/// which one counts, so neither does).
pub(crate) fn single<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'h HeaderValue>, ApiError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the request has more than one {name} header; send exactly one"),
        ));
    }
    Ok(first)
}

fn check_host(hosts: &[String], headers: &HeaderMap) -> Result<(), ApiError> {
    let host = single(headers, &header::HOST)?.and_then(|h| h.to_str().ok()).unwrap_or("");
    if !hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host)) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "Host '{host}' is not this playground's address ({}); the playground only answers \
                 requests made to its own loopback address",
                hosts.join(" or ")
            ),
        ));
    }
    single(headers, &header::ORIGIN)?;
    Ok(())
}
