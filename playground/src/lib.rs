//! The book's local playground.
//!
//! `cargo xtask serve` serves the built book and this playground on the same
//! loopback origin. It speaks play.rust-lang.org's HTTP API (`/execute`,
//! `/evaluate.json`, `/meta/crates`), so the book's pages (and any other
//! playground client) run code against it unchanged, offline, with exactly
//! the crates and versions of the listings workspace.
//!
//! - [`deps`]: the offered crates, built once at start-up.
//! - [`prebuilt`]: instant Run of an unedited listing's prebuilt binary.
//! - [`sandbox`]: running a program within limits, and killing all it started.
//! - [`Playground`]: compiling and running a Run; the HTTP routes and guards.
//! - [`sign_in`]: who may Run: a printed one-time link, then a session cookie.
//! - [`http`]: the server around the book and the playground: connection
//!   hygiene and the checks every response gets.
//! - [`client`]: a tiny HTTP client for the tests and the benchmark.

pub mod api;
pub mod client;
pub mod deps;
pub mod http;
pub mod jail;
pub mod prebuilt;
pub mod sandbox;
mod server;
pub mod sign_in;

pub use server::{ApiError, Job, Options, Playground, RunCounts, private_dir};

impl Job {
    /// A Run of a binary, as the book's pages send it.
    pub fn bin(code: impl Into<String>) -> Job {
        Job {
            code: code.into(),
            edition: "2024".into(),
            lib: false,
            tests: false,
            release: false,
            backtrace: false,
        }
    }
}
