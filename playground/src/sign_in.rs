//! Who may Run: signing in the way Jupyter does it.
//!
//! Nothing that lets a client Run ever leaves the server in a reply that
//! another local process could ask for. `cargo xtask serve` prints a link
//! carrying a one-time secret ([`SignIn::new_link`]); opening it in a
//! browser exchanges the secret for a session cookie (`HttpOnly`, so no
//! script reads it; `SameSite=Strict`, so no other site's page sends it),
//! and a Run needs that cookie as well as the same-origin checks of
//! `server::guard`. Each secret works once; when one is used the server
//! prints another, for another browser. Reading the book needs nothing.
//!
//! What it cannot keep out: cookies are not bound to a port, so any server
//! on the same loopback host (another user's, on another port) that the
//! reader's browser visits receives the cookie. The cookie names the port
//! it is for, which keeps two `serve`s apart, not a hostile one out.

use std::sync::Mutex;

use axum::http::{HeaderMap, HeaderValue, header};

/// The one-time secrets not yet used, and the sessions made from used ones.
pub struct SignIn {
    port: u16,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    pending: Vec<String>,
    sessions: Vec<String>,
}

impl SignIn {
    pub fn new(port: u16) -> SignIn {
        SignIn { port, state: Mutex::default() }
    }

    /// A new one-time secret, good for one sign-in.
    pub fn new_secret(&self) -> std::io::Result<String> {
        let secret = random_hex(16)?;
        self.lock().pending.push(secret.clone());
        Ok(secret)
    }

    /// The link that signs a browser in, for a server at `host` (`host:port`).
    pub fn new_link(&self, host: &str) -> std::io::Result<String> {
        Ok(format!("http://{host}{PATH}?secret={}", self.new_secret()?))
    }

    /// Uses up `secret` and returns the session cookie it is exchanged for,
    /// or `None` when it is not a pending secret (unknown, or used already).
    pub fn exchange(&self, secret: &str) -> std::io::Result<Option<HeaderValue>> {
        let mut state = self.lock();
        let Some(index) =
            state.pending.iter().position(|s| constant_time_eq(s.as_bytes(), secret.as_bytes()))
        else {
            return Ok(None);
        };
        state.pending.swap_remove(index);
        let session = random_hex(32)?;
        state.sessions.push(session.clone());
        let cookie = format!("{}={session}; HttpOnly; SameSite=Strict; Path=/", self.cookie_name());
        Ok(Some(HeaderValue::from_str(&cookie).expect("hex and ASCII")))
    }

    /// Whether the request carries the cookie of a session made here.
    pub fn signed_in(&self, headers: &HeaderMap) -> bool {
        let name = self.cookie_name();
        let sessions = &self.lock().sessions;
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(key, _)| *key == name)
            .any(|(_, value)| {
                sessions.iter().any(|s| constant_time_eq(s.as_bytes(), value.as_bytes()))
            })
    }

    /// The port of the server it signs in to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Named after the port, so that two servers on one host keep theirs.
    fn cookie_name(&self) -> String {
        format!("book-playground-{}", self.port)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The path of the sign-in link.
pub const PATH: &str = "/meta/sign-in";

/// What a page opened without signing in says next to Run.
pub const HOW_TO_SIGN_IN: &str = "To Run code here, open this book with the sign-in link that \
    `cargo xtask serve` printed in its terminal (it starts with http:// and contains \
    /meta/sign-in?secret=). Each link works once; the terminal shows a new one when one is used.";

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn random_hex(bytes: usize) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie_header(value: &HeaderValue) -> HeaderMap {
        // What the browser sends back: `name=value`, among other cookies.
        let pair = value.to_str().unwrap().split(';').next().unwrap().to_string();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, format!("other=1; {pair}; last=2").parse().unwrap());
        headers
    }

    #[test]
    fn a_secret_works_once_and_makes_a_session() {
        let sign_in = SignIn::new(3000);
        let secret = sign_in.new_secret().unwrap();
        let cookie = sign_in.exchange(&secret).unwrap().expect("a pending secret");
        let text = cookie.to_str().unwrap();
        assert!(text.starts_with("book-playground-3000="), "{text}");
        assert!(text.contains("; HttpOnly; SameSite=Strict; Path=/"), "{text}");
        assert!(sign_in.signed_in(&cookie_header(&cookie)));
        assert!(sign_in.exchange(&secret).unwrap().is_none(), "a secret works only once");
        assert!(sign_in.lock().pending.is_empty());
    }

    #[test]
    fn only_a_session_made_here_counts() {
        let sign_in = SignIn::new(3000);
        assert!(!sign_in.signed_in(&HeaderMap::new()));
        assert!(sign_in.exchange("0123").unwrap().is_none());
        // A session of another server (another port, same host).
        let other = SignIn::new(4000);
        let cookie = other.exchange(&other.new_secret().unwrap()).unwrap().unwrap();
        assert!(!sign_in.signed_in(&cookie_header(&cookie)));
        // The right name with a made-up value.
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "book-playground-3000=00ff".parse().unwrap());
        assert!(!sign_in.signed_in(&headers));
    }

    #[test]
    fn the_link_carries_the_secret_on_the_sign_in_path() {
        let sign_in = SignIn::new(3000);
        let link = sign_in.new_link("127.0.0.1:3000").unwrap();
        let secret = link.strip_prefix("http://127.0.0.1:3000/meta/sign-in?secret=").unwrap();
        assert_eq!(secret.len(), 32);
        assert!(sign_in.exchange(secret).unwrap().is_some());
    }
}
