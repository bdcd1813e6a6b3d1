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
//! timing = "real"               # runs, panics: its output depends on real time,
//!                               # so it never runs beside another listing
//! fixed-by = "ch04-spawn-fixed" # does-not-compile, panics (required), and a runs or
//!                               # tests listing that `shows`: the listing that fixes it
//! cause = "The closure borrows a local that the task may outlive."
//!                               # with fixed-by: one sentence for the error index
//! shows = "a lost message"      # runs, tests: the hang or silent bug it shows
//! ```
//!
//! Every does-not-compile and panics listing, and every listing that
//! `shows` something, is an entry of the error index (Appendix A, built by
//! `error_index.rs`); [`check_fixes`] is the rule that its fix exists and
//! passes.
//!
//! Which fields each kind takes, and what it means, is in `kinds.rs`.
//!
//! Expected outputs sit next to the Cargo.toml: `output.txt` (stdout) and
//! `stderr.txt` (the compiler's errors, or the panic message). Chapters include
//! the same files, so what the reader sees is what CI compared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::problems::{Problems, rel};

pub use crate::kinds::{COMPILE_ERROR_FEATURE, Kind};
use crate::kinds::{Field, ReaderCommand};

/// `timing = "real"`: the listing's output depends on real time (it
/// measures, or races real sleeps), so `cargo xtask test` runs it alone,
/// never beside another listing. A listing that declares `normalize` rules
/// is taken to measure something and runs alone too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    Real,
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
    timing: Option<Timing>,
    fixed_by: Option<String>,
    cause: Option<String>,
    shows: Option<String>,
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
    pub timing: Option<Timing>,
    /// `fixed-by`: the package of the listing that fixes this one.
    pub fixed_by: Option<String>,
    /// `cause`: one sentence on why it fails, for the error index.
    pub cause: Option<String>,
    /// `shows`: the hang or silent bug a passing listing shows.
    pub shows: Option<String>,
    /// The binary target's name, if the crate has exactly one.
    pub bin: Option<String>,
    /// `[package.metadata.book]`'s line in Cargo.toml, and `fixed-by`'s, for
    /// messages (1-based; 0 when unknown).
    pub book_line: usize,
    pub fixed_by_line: usize,
}

impl Listing {
    /// A blessed file of this listing: `output.txt` or `stderr.txt`.
    pub fn blessed_file(&self, blessed: crate::kinds::Blessed) -> PathBuf {
        self.dir.join(blessed.file_name())
    }

    /// Whether its output may depend on real time, so that it must run
    /// alone (see [`Timing`]).
    pub fn runs_alone(&self) -> bool {
        self.timing == Some(Timing::Real) || !self.normalize.is_empty()
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
        match ErrorDeclared::of(error) {
            ErrorDeclared::Code => format!("error[{error}]"),
            _ => format!("error: {error}"),
        }
    }

    /// The command a reader types to see what this listing does.
    pub fn command(&self) -> String {
        reader_command(self.kind, &self.package, &self.args)
    }

    /// The group of the error index this listing is an entry of, if any.
    pub fn index_group(&self) -> Option<crate::kinds::Group> {
        match self.kind.rules().index {
            crate::kinds::Index::Always(group) => Some(group),
            crate::kinds::Index::WhenDeclared if self.shows.is_some() => {
                Some(crate::kinds::Group::SilentBugs)
            }
            _ => None,
        }
    }

    /// Where a message about its Cargo.toml points: `.../Cargo.toml:7`.
    fn manifest_at(&self, line: usize) -> String {
        let manifest = self.rel_file("Cargo.toml");
        if line == 0 { manifest } else { format!("{manifest}:{line}") }
    }
}

/// The 1-based line of a manifest on which `key = ...` (or the table
/// header `key`) is written; 0 when it is not there.
fn line_of(manifest: &str, key: &str) -> usize {
    manifest
        .lines()
        .position(|line| {
            let line = line.trim_start();
            if key.starts_with('[') {
                return line.starts_with(key);
            }
            line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |index| index + 1)
}

/// The rule of the error index: every listing it shows names a fix
/// (`fixed-by`) and a cause, and the fix is a listing that itself passes
/// (a runs, tests or serves listing, not another error). Problems name the
/// Cargo.toml and the line to edit.
pub fn check_fixes(listings: &[Listing], problems: &mut Problems) {
    use crate::kinds::{Field, INDEX_FIELDS, INDEX_HOWTO};
    let by_package: std::collections::HashMap<&str, &Listing> =
        listings.iter().map(|l| (l.package.as_str(), l)).collect();
    for listing in listings {
        if listing.index_group().is_none() {
            continue;
        }
        let what = match listing.shows.as_deref() {
            Some(shows) => format!("a listing that shows `{shows}`"),
            None => format!("a `{}` listing", listing.kind),
        };
        let missing: Vec<&str> = INDEX_FIELDS
            .iter()
            .filter(|field| match field {
                Field::FixedBy => listing.fixed_by.is_none(),
                Field::Cause => listing.cause.as_deref().is_none_or(|c| c.trim().is_empty()),
                _ => false,
            })
            .map(|field| field.name())
            .collect();
        if !missing.is_empty() {
            problems.at(
                listing.manifest_at(listing.book_line),
                format!(
                    "{what} is an entry of the error index (Appendix A), so it must declare `{}`: \
                     add {INDEX_HOWTO} under [package.metadata.book]",
                    missing.join("` and `")
                ),
            );
        }
        let Some(fix) = &listing.fixed_by else { continue };
        let at = listing.manifest_at(listing.fixed_by_line);
        match by_package.get(fix.as_str()) {
            None => problems.at(
                at,
                format!(
                    "fixed-by = \"{fix}\" names no listing of the book: give the package name \
                     (chNN-name) of the runs or tests listing that fixes {}",
                    listing.package
                ),
            ),
            Some(target) if !target.kind.rules().passes => problems.at(
                at,
                format!(
                    "fixed-by = \"{fix}\" names a `{}` listing, which does not pass itself: a fix \
                     must be a listing that runs or whose tests pass",
                    target.kind
                ),
            ),
            Some(_) => {}
        }
    }
}

/// The command a reader types to see what a listing of `kind` does.
pub fn reader_command(kind: Kind, package: &str, args: &[String]) -> String {
    match kind.rules().command {
        ReaderCommand::Test => format!("cargo test -p {package}"),
        ReaderCommand::RunWithFeature => {
            format!("cargo run -p {package} --features {COMPILE_ERROR_FEATURE}")
        }
        ReaderCommand::Run if args.is_empty() => format!("cargo run -p {package}"),
        ReaderCommand::Run => format!("cargo run -p {package} -- {}", args.join(" ")),
    }
}

/// What `error = "..."` declares: the one place that reads its shape.
#[derive(Debug, PartialEq, Eq)]
enum ErrorDeclared {
    /// `E0373`.
    Code,
    /// `E123`: meant as a code, but not one.
    BadCode,
    Empty,
    /// The message of an error without a code.
    Message,
}

impl ErrorDeclared {
    fn of(error: &str) -> ErrorDeclared {
        let digits = error.strip_prefix('E').filter(|d| !d.is_empty());
        match digits {
            Some(d) if d.chars().all(|c| c.is_ascii_digit()) => {
                if d.len() == 4 {
                    ErrorDeclared::Code
                } else {
                    ErrorDeclared::BadCode
                }
            }
            _ if error.trim().is_empty() => ErrorDeclared::Empty,
            _ => ErrorDeclared::Message,
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
    static RULES: std::sync::OnceLock<[(regex::Regex, &str); 4]> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        let re = |pattern: &str| regex::Regex::new(pattern).expect("a valid pattern");
        [
            (re(r"(thread '[^']*') \(\d+\) panicked at"), "$1 panicked at"),
            (re(r"[^\s>]*/registry/src/[^/\s]+/"), "$$CARGO_HOME/registry/src/.../"),
            (re(r"/rustc/[0-9a-f]+/library/(\S+?):\d+:\d+"), "$$SRC_DIR/$1:LL:COL"),
            // rustc writes a long type's full name to a file named after the
            // build folder, the crate's hash and a random number.
            (
                re(r"'[^'\s]*/debug/deps/([A-Za-z0-9_]+)-[0-9a-f]+\.long-type-\d+\.txt'"),
                "'$$TARGET_DIR/debug/deps/$1-HASH.long-type-N.txt'",
            ),
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
            r"|[0-9a-f]{16}\.long-type-\d+\.txt",
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

        let Some(expected_name) = crate::kinds::naming::package_of_dir(&rel_dir) else {
            problems.at(&manifest_rel, "a listing crate must sit at listings/<chapter>/<name>/");
            continue;
        };
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

        let manifest_text = std::fs::read_to_string(manifest).unwrap_or_default();
        let listing = Listing {
            book_line: line_of(&manifest_text, "[package.metadata.book]"),
            fixed_by_line: line_of(&manifest_text, "fixed-by"),
            fixed_by: declared.fixed_by,
            cause: declared.cause,
            shows: declared.shows,
            package: package.name.to_string(),
            dir: dir.to_path_buf(),
            rel_dir: rel_dir.clone(),
            kind: declared.kind,
            args: declared.args,
            normalize,
            error: declared.error,
            panic: declared.panic,
            timing: declared.timing,
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
    check_fixes(&listings, &mut problems);
    Ok((listings, problems))
}

fn check_declaration(
    listing: &Listing,
    package: &cargo_metadata::Package,
    manifest_rel: &str,
    problems: &mut Problems,
) {
    let rules = listing.kind.rules();
    let declared = [
        (Field::Args, !listing.args.is_empty()),
        (Field::Normalize, !listing.normalize.is_empty()),
        (Field::Error, listing.error.is_some()),
        (Field::Panic, listing.panic.is_some()),
        (Field::Timing, listing.timing.is_some()),
        (Field::FixedBy, listing.fixed_by.is_some()),
        (Field::Cause, listing.cause.is_some()),
        (Field::Shows, listing.shows.is_some()),
    ];
    for (field, present) in declared {
        // `check_fixes` reports a missing fix or cause, with what to add.
        if crate::kinds::INDEX_FIELDS.contains(&field) && rules.required.contains(&field) {
            continue;
        }
        if !present && rules.required.contains(&field) {
            problems.at(
                manifest_rel,
                format!(
                    "a `{}` listing must declare `{}` in [package.metadata.book]",
                    listing.kind,
                    field.name()
                ),
            );
        } else if present && !rules.allowed.contains(&field) {
            problems.at(
                manifest_rel,
                format!(
                    "`{}` has no meaning for a `{}` listing; remove it",
                    field.name(),
                    listing.kind
                ),
            );
        }
    }
    if rules.one_binary && listing.bin.is_none() {
        problems
            .at(manifest_rel, format!("a `{}` listing must have exactly one binary", listing.kind));
    }
    if rules.verify == crate::kinds::Verify::CompileError {
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
    }
    // A passing listing that fixes nothing shown has no entry to give it.
    if listing.shows.is_none()
        && rules.index == crate::kinds::Index::WhenDeclared
        && (listing.fixed_by.is_some() || listing.cause.is_some())
    {
        problems.at(
            manifest_rel,
            "`fixed-by` and `cause` on a listing that passes go with `shows = \"...\"`, the hang \
             or silent bug it shows (for the error index); add it or remove them",
        );
    }
    if let Some(error) = &listing.error {
        match ErrorDeclared::of(error) {
            ErrorDeclared::BadCode => problems.at(
                manifest_rel,
                format!("error = \"{error}\" is not an error code like \"E0373\""),
            ),
            ErrorDeclared::Empty => {
                problems.at(manifest_rel, "error = \"\" is empty: give a code or the message")
            }
            ErrorDeclared::Code | ErrorDeclared::Message => {}
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

/// Runs `cargo` with the book's workspace, so fixture books use their own:
/// the one builder of cargo commands.
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_declarations_are_read_one_way() {
        assert_eq!(ErrorDeclared::of("E0373"), ErrorDeclared::Code);
        assert_eq!(ErrorDeclared::of("E037"), ErrorDeclared::BadCode);
        assert_eq!(ErrorDeclared::of("E03733"), ErrorDeclared::BadCode);
        assert_eq!(ErrorDeclared::of(" "), ErrorDeclared::Empty);
        assert_eq!(
            ErrorDeclared::of("future cannot be sent between threads safely"),
            ErrorDeclared::Message
        );
        assert_eq!(ErrorDeclared::of("Error"), ErrorDeclared::Message);
    }

    #[test]
    fn reader_commands_follow_the_kind() {
        let args = ["a".to_string(), "b".to_string()];
        assert_eq!(reader_command(Kind::Runs, "ch02-x", &args), "cargo run -p ch02-x -- a b");
        assert_eq!(reader_command(Kind::Panics, "ch02-x", &[]), "cargo run -p ch02-x");
        assert_eq!(
            reader_command(Kind::DoesNotCompile, "ch02-x", &[]),
            "cargo run -p ch02-x --features does-not-compile"
        );
        assert_eq!(reader_command(Kind::Exercise, "ch02-x", &[]), "cargo test -p ch02-x");
    }

    /// What a recording machine leaves in an output, and what the book
    /// commits and shows instead (a snapshot of the rules).
    #[test]
    fn machine_independent_replaces_what_only_the_recorder_has() {
        let recorded = "\
thread 'main' (24945) panicked at listings/ch02/no-reactor/src/main.rs:9:9:\r
   --> /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.54.1/src/task/spawn.rs:176:21
  --> /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/pin.rs:1181:4
thread 'tokio-runtime-worker' panicked at src/main.rs:3:5:
   = note: the full name for the type has been written to '/work/book/target/debug/deps/ch11_next-1edc890c3521134d.long-type-1566065793031464642.txt'
";
        let shown = "\
thread 'main' panicked at listings/ch02/no-reactor/src/main.rs:9:9:
   --> $CARGO_HOME/registry/src/.../tokio-1.54.1/src/task/spawn.rs:176:21
  --> $SRC_DIR/core/src/pin.rs:LL:COL
thread 'tokio-runtime-worker' panicked at src/main.rs:3:5:
   = note: the full name for the type has been written to '$TARGET_DIR/debug/deps/ch11_next-HASH.long-type-N.txt'
";
        assert_eq!(machine_independent(recorded), shown);
        assert_eq!(machine_independent(shown), shown, "applying it twice changes nothing");
        assert!(machine_specific(shown).is_empty(), "{:?}", machine_specific(shown));
        assert_eq!(
            machine_specific(recorded),
            [
                "thread 'main' (24945)",
                "/root/",
                "registry/src/index.crates.io-1949cf8c6b5b557f/",
                "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860",
                "1edc890c3521134d.long-type-1566065793031464642.txt"
            ]
        );
        assert_eq!(machine_specific("see /home/ada/book and /homework/"), ["/home/ada/"]);
    }
}
