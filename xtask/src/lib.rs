//! `cargo xtask`: the book's chores in one place. The binary (`main.rs`)
//! parses the command line; everything else is this library, so that its
//! parts have unit tests and the integration tests share its helpers.
//!
//! Read ARCHITECTURE.md at the repository root for a map of this crate.

pub mod book;
pub mod browser;
pub mod chart;
pub mod checks;
pub mod error_index;
pub mod files;
pub mod hints;
pub mod kinds;
pub mod lint;
pub mod listings;
pub mod pdf;
pub mod playground_bench;
pub mod preprocess;
pub mod problems;
pub mod run;
pub mod scaffold;
pub mod serve;
pub mod soak;
pub mod timed;
pub mod watch;

/// Whether this runs in CI (`CI=true`, as GitHub Actions and .ci/run's
/// callers set it): there a missing tool fails its check instead of
/// skipping it, and no check reuses an earlier pass.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}
