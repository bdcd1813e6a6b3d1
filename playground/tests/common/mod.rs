//! A playground served on 127.0.0.1 for the tests, and helpers to talk to it.

#![allow(dead_code)]

pub mod unprivileged;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use book_playground::client::{self, HttpResponse};
use book_playground::http::{self, Limits};
use book_playground::{Options, Playground};

pub struct Server {
    pub addr: SocketAddr,
    pub playground: Arc<Playground>,
    pub http: Arc<http::Server>,
    /// The static files served next to the playground, as `serve` serves
    /// the book: `index.html` says "a page of the book".
    pub static_dir: tempfile::TempDir,
    /// The `Cookie` header of a signed-in browser.
    pub cookie: String,
    // Keeps the server's runtime (and so the server) alive.
    _runtime: tokio::runtime::Runtime,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("playground/ is in the workspace")
        .to_path_buf()
}

/// Options for tests: short timeouts, so a runaway program costs little.
pub fn test_options() -> Options {
    let mut options = Options::new(workspace_root());
    options.run_timeout = Duration::from_secs(3);
    options.max_concurrent = 2;
    options.max_processes = 64;
    options
}

pub fn start(options: Options) -> Server {
    start_with(options, Limits::default())
}

/// As `cargo xtask serve` does it: the site (a folder of static files and
/// the playground) behind the site's checks, served by the playground's
/// accept loop with `limits`.
pub fn start_with(options: Options, limits: Limits) -> Server {
    let static_dir = tempfile::tempdir().expect("a folder for static files");
    std::fs::write(static_dir.path().join("index.html"), "<p>a page of the book</p>")
        .expect("writing index.html");
    let playground = Playground::start(options).expect("starting the playground");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("binding 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let router = playground.router(addr).expect("a loopback address");
    let app = router.fallback_service(tower_http::services::ServeDir::new(static_dir.path()));
    let app = http::site(addr, app).expect("a loopback address");
    let server = http::Server::new(limits);
    let serving = Arc::clone(&server);
    runtime.spawn(async move {
        serving.serve(listener, app, std::future::pending()).await.expect("serving");
    });
    let cookie = playground.sign_in_cookie().expect("signing in");
    Server { addr, playground, http: server, static_dir, cookie, _runtime: runtime }
}

impl Server {
    /// A request as the book's own page sends it from a signed-in browser,
    /// plus `extra` headers (which replace same-named ones; an empty value
    /// removes one).
    pub fn post(&self, path: &str, body: &[u8], extra: &[(&str, &str)]) -> HttpResponse {
        let origin = format!("http://{}", self.addr);
        let mut headers: Vec<(&str, &str)> = vec![
            ("Content-Type", "application/json"),
            ("Origin", &origin),
            ("Sec-Fetch-Site", "same-origin"),
            ("Cookie", &self.cookie),
        ];
        for (name, value) in extra {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name, value));
        }
        headers.retain(|(_, v)| !v.is_empty());
        client::request(self.addr, "POST", path, &headers, body, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("POST {path} to {}: {e}", self.addr))
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
        client::request(self.addr, "GET", path, headers, b"", Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("GET {path} from {}: {e}", self.addr))
    }

    /// `POST /execute` of a binary; the reply's JSON.
    pub fn execute(&self, code: &str) -> serde_json::Value {
        let body = serde_json::json!({
            "channel": "stable", "mode": "debug", "edition": "2024", "crateType": "bin",
            "tests": false, "backtrace": false, "code": code,
        });
        let response = self.post("/execute", body.to_string().as_bytes(), &[]);
        assert_eq!(
            response.status,
            200,
            "POST /execute answered {}: {}",
            response.status,
            response.text()
        );
        response.json().expect("JSON reply")
    }

    /// Proves the playground still runs code.
    pub fn assert_still_serving(&self) {
        let reply = self.execute("fn main() { println!(\"still here\"); }");
        assert_eq!(reply["success"], true, "{reply:#}");
        assert_eq!(reply["stdout"], "still here\n", "{reply:#}");
    }
}

/// A version as the root Cargo.lock pins it.
pub fn locked_version(package: &str) -> String {
    let lock =
        std::fs::read_to_string(workspace_root().join("Cargo.lock")).expect("reading Cargo.lock");
    let lock: toml::Table = lock.parse().expect("Cargo.lock is TOML");
    let versions: Vec<&str> = lock["package"]
        .as_array()
        .expect("[[package]]")
        .iter()
        .filter(|p| p["name"].as_str() == Some(package))
        .filter_map(|p| p["version"].as_str())
        .collect();
    assert_eq!(
        versions.len(),
        1,
        "Cargo.lock has {} versions of {package}: {versions:?}",
        versions.len()
    );
    versions[0].to_string()
}
