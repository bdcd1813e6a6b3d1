//! play.rust-lang.org's HTTP API, as far as the book uses it. Field names
//! and meanings follow the public playground, so its clients work unchanged.

use serde::{Deserialize, Serialize};

/// `POST /execute`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteRequest {
    #[serde(default = "stable")]
    pub channel: String,
    #[serde(default = "debug")]
    pub mode: String,
    /// `2015` to `2024`; empty means 2024, the book's edition.
    #[serde(default)]
    pub edition: String,
    #[serde(default = "bin")]
    pub crate_type: String,
    /// Build the test harness and run the code's `#[test]`s.
    #[serde(default)]
    pub tests: bool,
    #[serde(default)]
    pub backtrace: bool,
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExecuteResponse {
    pub success: bool,
    /// How the program (or the compiler) ended: `exit status: 0`.
    #[serde(rename = "exitDetail")]
    pub exit_detail: String,
    pub stdout: String,
    /// The compiler's messages, then the program's stderr.
    pub stderr: String,
}

/// `POST /evaluate.json`: the old API that mdBook's book.js still uses.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvaluateRequest {
    #[serde(default = "stable")]
    pub version: String,
    /// `"0"` for a debug build, anything else for release.
    #[serde(default = "zero")]
    pub optimize: String,
    pub code: String,
    /// Empty means 2015, as on play.rust-lang.org.
    #[serde(default)]
    pub edition: String,
    #[serde(default)]
    pub tests: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EvaluateResponse {
    /// stdout on success; the compiler's or the program's errors and then
    /// stdout otherwise.
    pub result: String,
    pub error: Option<String>,
}

/// `GET`/`POST /meta/crates`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CratesResponse {
    pub crates: Vec<CrateInformation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CrateInformation {
    pub name: String,
    pub version: String,
    /// The name code uses (`tokio_stream`).
    pub id: String,
}

/// `GET /meta/session`: what the book's pages need to use the local
/// playground. Only same-origin pages can read it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// Whether this browser is signed in (has the session cookie), so its
    /// Runs are accepted.
    pub signed_in: bool,
    /// When it is not: what the page says next to Run.
    pub how_to_sign_in: String,
    /// `rustc --version` of the compiler that runs the code.
    pub rustc: String,
    pub crates: Vec<CrateInformation>,
    /// How long a program may run, in seconds.
    pub run_timeout_secs: u64,
}

/// Every error reply: the HTTP status says what kind, this says what.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorResponse {
    pub error: String,
}

fn stable() -> String {
    "stable".into()
}
fn debug() -> String {
    "debug".into()
}
fn bin() -> String {
    "bin".into()
}
fn zero() -> String {
    "0".into()
}
