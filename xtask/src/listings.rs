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

    /// What the comparison sees: the machine-independent form
    /// ([`machine_independent`]) with the listing's declared rules applied.
    /// `compare` runs both the committed file and the fresh output through
    /// this one function.
    pub fn normalize(&self, text: &str) -> String {
        let mut text = machine_independent(text);
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

/// The form of a program's output that the book shows and commits: what
/// depends on the machine that recorded it is replaced by a placeholder
/// (`bless` writes this form, so no page shows the recorder's paths):
///
/// - a panic's thread id (Rust 1.92+ prints `thread 'main' (13038) panicked
///   at`, a new number every run) is dropped: `thread 'main' panicked at`, as
///   older compilers print it;
/// - cargo's registry folder in a compiler message that points into a
///   dependency (`/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/`)
///   becomes `$CARGO_HOME/registry/src/.../`, the crate and file kept;
/// - the standard library's source as the compiler names it
///   (`/rustc/<commit>/library/core/src/pin.rs:1181:4`) becomes
///   `$SRC_DIR/core/src/pin.rs:LL:COL`, as in rustc's own UI tests: the
///   commit and the line move with every Rust release.
///
/// Applying it twice changes nothing, so already-normalized files compare
/// equal to fresh output.
pub fn machine_independent(text: &str) -> String {
    static RULES: std::sync::OnceLock<[(regex::Regex, &str); 3]> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        let re = |pattern: &str| regex::Regex::new(pattern).expect("a valid pattern");
        [
            (re(r"(thread '[^']*') \(\d+\) panicked at"), "$1 panicked at"),
            (re(r"[^\s>]*/registry/src/[^/\s]+/"), "$$CARGO_HOME/registry/src/.../"),
            (re(r"/rustc/[0-9a-f]+/library/(\S+?):\d+:\d+"), "$$SRC_DIR/$1:LL:COL"),
        ]
    });
    let mut text = text.replace("\r\n", "\n");
    for (regex, replace) in rules {
        text = regex.replace_all(&text, *replace).into_owned();
    }
    text
}

/// Text in a rendered page that only the machine that recorded an output
/// can have: a home folder, cargo's registry folder, the compiler's source
/// commit, a panic's thread id. Returns what it found, for the check that
/// no page shows it.
pub fn machine_specific(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(concat!(
            r"/root/|/home/[A-Za-z0-9_.-]+/",
            r"|registry/src/[^/\s]+-[0-9a-f]{16}/",
            r"|/rustc/[0-9a-f]{7,}",
            r"|thread '[^']*' \(\d+\)",
        ))
        .expect("a valid pattern")
    });
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
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
    for path in crate::files::walk(&listings_dir) {
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            let dir = path.parent().unwrap_or(&path);
            if !in_workspace.iter().any(|d| d == dir) {
                problems.at(
                    rel(root, &path),
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
