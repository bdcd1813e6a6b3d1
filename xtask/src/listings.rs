//! The listing crates: where they are and what each declares about itself.
//!
//! A listing is a crate at `listings/<chapter>/<name>/` whose package name is
//! `<chapter>-<name>`. Everything the checks need to know about it is declared
//! in its own Cargo.toml under `[package.metadata.book]`:
//!
//! ```toml
//! [package.metadata.book]
//! kind = "runs"                 # runs | tests | does-not-compile | panics | serves | exercise
//! args = ["--verbose"]          # runs, panics: command-line arguments
//! normalize = [                 # runs, panics: rewrite both outputs before comparing
//!   { regex = '\d+ms', replace = "Nms" },
//! ]
//! error = "E0373"               # does-not-compile: the error code the compiler must report,
//!                               # or, for an error without a code, its message:
//!                               # error = "future cannot be sent between threads safely"
//! panic = "called `Option::unwrap()`"   # panics: text the panic message must contain
//! ```
//!
//! Expected outputs sit next to the Cargo.toml: `output.txt` (stdout) and
//! `stderr.txt` (the compiler's errors, or the panic message). Chapters include
//! the same files, so what the reader sees is what CI compared.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::problems::{Problems, rel};

/// The cargo feature that turns on the binary of a does-not-compile listing.
/// Without it the workspace builds; with it the reader sees the error.
pub const COMPILE_ERROR_FEATURE: &str = "does-not-compile";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Built, run, and its stdout compared with `output.txt`.
    Runs,
    /// Its `#[test]` functions pass.
    Tests,
    /// Fails to compile with the declared error; `stderr.txt` is compared.
    DoesNotCompile,
    /// Runs and panics with the declared message; `stderr.txt` is compared.
    Panics,
    /// A long-running server, exercised by its own integration tests.
    Serves,
    /// An exercise's starter crate: it must compile (with its tests), but
    /// the reader finishes it, so its tests are not run.
    Exercise,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Runs, Kind::Tests, Kind::DoesNotCompile, Kind::Panics, Kind::Serves, Kind::Exercise];
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Runs => "runs",
            Kind::Tests => "tests",
            Kind::DoesNotCompile => "does-not-compile",
            Kind::Panics => "panics",
            Kind::Serves => "serves",
            Kind::Exercise => "exercise",
        })
    }
}

/// A rule that rewrites output before comparing, for output that honestly
/// varies from run to run (timings, addresses).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub regex: String,
    pub replace: String,
}

/// `[package.metadata.book]`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Declared {
    kind: Kind,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    normalize: Vec<Rule>,
    error: Option<String>,
    panic: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Listing {
    pub package: String,
    /// The crate's folder, absolute.
    pub dir: PathBuf,
    /// The crate's folder relative to the book root: `listings/ch02/count-to`.
    pub rel_dir: String,
    pub kind: Kind,
    pub args: Vec<String>,
    pub normalize: Vec<(regex::Regex, String)>,
    pub error: Option<String>,
    pub panic: Option<String>,
    /// The binary target's name, if the crate has exactly one.
    pub bin: Option<String>,
}

impl Listing {
    pub fn output_file(&self) -> PathBuf {
        self.dir.join("output.txt")
    }

    pub fn stderr_file(&self) -> PathBuf {
        self.dir.join("stderr.txt")
    }

    pub fn rel_file(&self, name: &str) -> String {
        format!("{}/{name}", self.rel_dir)
    }

    /// Applies the listing's normalization rules.
    pub fn normalize(&self, text: &str) -> String {
        let mut text = text.replace("\r\n", "\n");
        // Since Rust 1.92 a panic names the thread's id, which differs on
        // every run: `thread 'main' (13038) panicked at`. The book shows the
        // real line; the comparison ignores the id, and so also accepts the
        // line of older compilers, which print none.
        text = panic_thread_id().replace_all(&text, "$1 panicked at").into_owned();
        // Compiler errors that point into a dependency name its source in
        // cargo's registry, whose path depends on the machine:
        // `--> /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.54.1/src/...`.
        text = registry_path().replace_all(&text, "<registry>/").into_owned();
        // Likewise a note that points into the standard library names the
        // compiler's commit and a line that move with every Rust release:
        // `--> /rustc/59807616e1fa.../library/core/src/pin.rs:1181:4`.
        text =
            std_source_path().replace_all(&text, "/rustc/<commit>/library/$1:<line>").into_owned();
        for (regex, replace) in &self.normalize {
            text = regex.replace_all(&text, replace.as_str()).into_owned();
        }
        text
    }

    /// The text that marks the declared compiler error in rustc's output:
    /// `error[E0373]` for a code, `error: <message>` for an error without one.
    pub fn expected_error(&self) -> String {
        let error = self.error.as_deref().unwrap_or_default();
        let is_code = error.len() == 5
            && error.starts_with('E')
            && error[1..].chars().all(|c| c.is_ascii_digit());
        if is_code { format!("error[{error}]") } else { format!("error: {error}") }
    }

    /// The command a reader types to see what this listing does.
    pub fn command(&self) -> String {
        match self.kind {
            Kind::Tests | Kind::Serves | Kind::Exercise => {
                format!("cargo test -p {}", self.package)
            }
            Kind::DoesNotCompile => {
                format!("cargo run -p {} --features {COMPILE_ERROR_FEATURE}", self.package)
            }
            Kind::Runs | Kind::Panics => {
                let mut command = format!("cargo run -p {}", self.package);
                if !self.args.is_empty() {
                    command.push_str(" -- ");
                    command.push_str(&self.args.join(" "));
                }
                command
            }
        }
    }
}

fn registry_path() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"[^\s>]*/registry/src/[^/\s]+/").unwrap())
}

fn std_source_path() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"/rustc/[0-9a-f]+/library/(\S+?):\d+:\d+").unwrap())
}

fn panic_thread_id() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"(thread '[^']*')(?: \(\d+\))? panicked at").unwrap())
}

/// All listings of the book at `root`, sorted by folder, or every problem
/// found in their declarations.
pub fn discover(root: &Path) -> Result<(Vec<Listing>, Problems)> {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .with_context(|| format!("reading the workspace at {}", root.display()))?;

    let listings_dir = root.join("listings");
    let mut problems = Problems::default();
    let mut listings = Vec::new();
    let mut in_workspace = Vec::new();

    for package in &metadata.packages {
        let manifest = package.manifest_path.as_std_path();
        let Some(dir) = manifest.parent() else { continue };
        if !dir.starts_with(&listings_dir) {
            continue;
        }
        in_workspace.push(dir.to_path_buf());
        let rel_dir = rel(root, dir);
        let manifest_rel = rel(root, manifest);

        let parts: Vec<&str> = rel_dir.split('/').collect();
        if parts.len() != 3 {
            problems.at(&manifest_rel, "a listing crate must sit at listings/<chapter>/<name>/");
            continue;
        }
        let expected_name = format!("{}-{}", parts[1], parts[2]);
        if package.name.as_str() != expected_name {
            problems.at(
                &manifest_rel,
                format!(
                    "package is named `{}`, but a listing at {rel_dir} must be named `{expected_name}` \
                     (<chapter>-<folder>, so names are unique across the book)",
                    package.name
                ),
            );
        }

        let Some(book) = package.metadata.get("book") else {
            problems.at(
                &manifest_rel,
                "no [package.metadata.book] table: declare the listing's kind, e.g. kind = \"runs\"",
            );
            continue;
        };
        let declared: Declared = match serde_json::from_value(book.clone()) {
            Ok(declared) => declared,
            Err(err) => {
                problems.at(&manifest_rel, format!("[package.metadata.book]: {err}"));
                continue;
            }
        };

        let mut normalize = Vec::new();
        for rule in declared.normalize {
            match regex::Regex::new(&rule.regex) {
                Ok(regex) => normalize.push((regex, rule.replace)),
                Err(err) => problems.at(
                    &manifest_rel,
                    format!("normalize rule `{}` is not a valid regex: {err}", rule.regex),
                ),
            }
        }

        let bins: Vec<_> = package
            .targets
            .iter()
            .filter(|t| t.kind.iter().any(|k| matches!(k, cargo_metadata::TargetKind::Bin)))
            .collect();
        let bin = match bins.as_slice() {
            [only] => Some(only.name.clone()),
            _ => None,
        };

        let listing = Listing {
            package: package.name.to_string(),
            dir: dir.to_path_buf(),
            rel_dir: rel_dir.clone(),
            kind: declared.kind,
            args: declared.args,
            normalize,
            error: declared.error,
            panic: declared.panic,
            bin,
        };
        check_declaration(&listing, package, &manifest_rel, &mut problems);
        listings.push(listing);
    }

    // A Cargo.toml under listings/ that the workspace does not know about
    // would be silently ignored by every check: say so instead.
    for entry in walkdir::WalkDir::new(&listings_dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
        .flatten()
    {
        if entry.file_name() == "Cargo.toml" {
            let dir = entry.path().parent().unwrap_or(entry.path());
            if !in_workspace.iter().any(|d| d == dir) {
                problems.at(
                    rel(root, entry.path()),
                    "this crate is not a member of the workspace (members are listings/*/*)",
                );
            }
        }
    }

    listings.sort_by(|a, b| a.rel_dir.cmp(&b.rel_dir));
    Ok((listings, problems))
}

fn check_declaration(
    listing: &Listing,
    package: &cargo_metadata::Package,
    manifest_rel: &str,
    problems: &mut Problems,
) {
    let wants = |field: &str, present: bool, problems: &mut Problems| {
        if !present {
            problems.at(
                manifest_rel,
                format!(
                    "a `{}` listing must declare `{field}` in [package.metadata.book]",
                    listing.kind
                ),
            );
        }
    };
    let forbids = |field: &str, present: bool, problems: &mut Problems| {
        if present {
            problems.at(
                manifest_rel,
                format!("`{field}` has no meaning for a `{}` listing; remove it", listing.kind),
            );
        }
    };
    let runs_binary = matches!(listing.kind, Kind::Runs | Kind::Panics | Kind::DoesNotCompile);
    if runs_binary && listing.bin.is_none() {
        problems
            .at(manifest_rel, format!("a `{}` listing must have exactly one binary", listing.kind));
    }
    match listing.kind {
        Kind::DoesNotCompile => {
            wants("error", listing.error.is_some(), problems);
            forbids("panic", listing.panic.is_some(), problems);
            forbids("args", !listing.args.is_empty(), problems);
            let gated = package.features.contains_key(COMPILE_ERROR_FEATURE)
                && package
                    .targets
                    .iter()
                    .all(|t| t.required_features.iter().any(|f| f == COMPILE_ERROR_FEATURE));
            if !gated {
                problems.at(
                    manifest_rel,
                    format!(
                        "a does-not-compile listing needs `[features] {COMPILE_ERROR_FEATURE} = []` and \
                         `required-features = [\"{COMPILE_ERROR_FEATURE}\"]` on its [[bin]], so that \
                         the workspace still builds"
                    ),
                );
            }
            if let Some(error) = &listing.error {
                let looks_like_code = error.starts_with('E')
                    && error.len() > 1
                    && error[1..].chars().all(|c| c.is_ascii_digit());
                if looks_like_code && error.len() != 5 {
                    problems.at(
                        manifest_rel,
                        format!("error = \"{error}\" is not an error code like \"E0373\""),
                    );
                } else if error.trim().is_empty() {
                    problems.at(manifest_rel, "error = \"\" is empty: give a code or the message");
                }
            }
        }
        Kind::Panics => {
            wants("panic", listing.panic.is_some(), problems);
            forbids("error", listing.error.is_some(), problems);
        }
        Kind::Runs => {
            forbids("error", listing.error.is_some(), problems);
            forbids("panic", listing.panic.is_some(), problems);
        }
        Kind::Tests | Kind::Serves | Kind::Exercise => {
            forbids("error", listing.error.is_some(), problems);
            forbids("panic", listing.panic.is_some(), problems);
            forbids("args", !listing.args.is_empty(), problems);
            forbids("normalize", !listing.normalize.is_empty(), problems);
        }
    }
}

/// Listings grouped by kind, for the summary.
pub fn count_by_kind(listings: &[Listing]) -> BTreeMap<Kind, usize> {
    let mut counts = BTreeMap::new();
    for listing in listings {
        *counts.entry(listing.kind).or_default() += 1;
    }
    counts
}

/// Runs `cargo` with the book's workspace, so fixture books use their own.
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}
