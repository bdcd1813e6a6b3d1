//! Passes of `cargo xtask test`'s slowest checks, kept with a fingerprint
//! of everything they read, so that a run on exactly the same inputs says
//! it has seen them pass instead of spending minutes to see it again.
//!
//! The fingerprint is one SHA-256 over:
//! - every file of the checkout, with its path (all of them, ignored or
//!   not, except build output: `target/`, `node_modules/`, and at the top
//!   `.git/`, `book/` and `.tools/`), every symbolic link and what it points
//!   to, and the browser tests' installed packages as npm recorded them
//!   (`node_modules/.package-lock.json`);
//! - every executable the build made (the listings' binaries, every test
//!   executable), and xtask's own;
//! - the toolchain (`rustc -vV`, `cargo -V`), Chromium's and Node.js's
//!   versions, the user id, the kernel's release, the number of cores, and
//!   the environment variables the checks read.
//!
//! A change to any of these, an edited comment included, runs every
//! reusable check again. Only passes are kept; a failure is never reused.
//! `cargo xtask test --no-cache` and CI (`CI=true`) never read the records.
//! What the fingerprint does not see is the rest of the machine (its other
//! programs and files), which the checks are written not to depend on.

use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result};
use sha2::{Digest, Sha256};

/// The environment variables a reusable check's result can depend on.
const ENVIRONMENT: &[&str] = &[
    "CI",
    "PATH",
    "HOME",
    "CHROMIUM",
    "CARGO",
    "RUSTC",
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUST_BACKTRACE",
    "RUST_LOG",
    "RUST_TEST_THREADS",
    "TMPDIR",
];

/// Folders at the checkout's top that hold no input: git's own records,
/// the book `cargo xtask serve` builds, the installed linters.
const NOT_INPUTS_AT_TOP: &[&str] = &[".git", "book", ".tools"];

/// A SHA-256 of a run's inputs, in hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub hex: String,
    /// How many files of the checkout went into it, for the summary.
    pub files: usize,
}

impl Fingerprint {
    /// Its first 12 hex digits, for messages.
    pub fn short(&self) -> &str {
        &self.hex[..12]
    }
}

/// The fingerprint of the checkout at `root`, the given executables, and
/// the machine's tools and environment.
pub fn fingerprint(root: &Path, executables: &[PathBuf]) -> Result<Fingerprint> {
    let mut hash = Sha256::new();
    let files = inputs(root);
    for file in &files {
        let name = file.strip_prefix(root).unwrap_or(file);
        add_file(&mut hash, "file", name, file)?;
    }
    // A link is an input too: where it points, and the file it points to.
    for link in not_build_output(root, crate::files::symlinks(root)) {
        let name = link.strip_prefix(root).unwrap_or(&link);
        let target = fs::read_link(&link).with_context(|| format!("reading {}", link.display()))?;
        add_text(&mut hash, "symlink", &format!("{} -> {}", name.display(), target.display()));
        if link.is_file() {
            add_file(&mut hash, "linked file", name, &link)?;
        }
        // Its files could change unseen: no fingerprint, so every check runs.
        anyhow::ensure!(
            !link.is_dir(),
            "{} links to a folder, whose files the fingerprint does not read",
            link.display()
        );
    }
    let mut executables = executables.to_vec();
    executables.sort();
    executables.dedup();
    for exe in &executables {
        add_file(&mut hash, "executable", exe, exe)?;
    }
    let xtask = std::env::current_exe().context("finding xtask's own executable")?;
    add_file(&mut hash, "xtask", Path::new("xtask"), &xtask)?;
    for (label, text) in machine() {
        add_text(&mut hash, &label, &text);
    }
    Ok(Fingerprint { hex: hex(&hash.finalize()), files: files.len() })
}

/// The files of the checkout that are inputs, sorted.
fn inputs(root: &Path) -> Vec<PathBuf> {
    let mut files = not_build_output(root, crate::files::walk(root));
    // What `npm ci` installed: its record of every package and version.
    let installed = root.join("tests/browser/node_modules/.package-lock.json");
    if installed.is_file() {
        files.push(installed);
    }
    files
}

/// `paths` less those in a folder of [`NOT_INPUTS_AT_TOP`].
fn not_build_output(root: &Path, paths: Vec<PathBuf>) -> Vec<PathBuf> {
    paths
        .into_iter()
        .filter(|path| {
            let top = path.strip_prefix(root).ok().and_then(|p| p.components().next());
            !top.is_some_and(|top| NOT_INPUTS_AT_TOP.iter().any(|n| top.as_os_str() == *n))
        })
        .collect()
}

/// The tools and facts of the machine the checks depend on, as labelled
/// text; a tool that is missing is recorded as missing.
fn machine() -> Vec<(String, String)> {
    let output = |program: &std::ffi::OsStr, args: &[&str]| -> String {
        match Command::new(program).args(args).output() {
            Ok(out) => format!(
                "{}{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => format!("not run: {err}"),
        }
    };
    let env_or =
        |name: &str, default: &str| std::env::var_os(name).unwrap_or_else(|| default.into());
    let chromium = crate::browser::find_chromium().unwrap_or_else(|| "chromium".into());
    let mut facts = vec![
        ("rustc".to_string(), output(&env_or("RUSTC", "rustc"), &["-vV"])),
        ("cargo".to_string(), output(&env_or("CARGO", "cargo"), &["-V"])),
        ("chromium".to_string(), output(chromium.as_os_str(), &["--version"])),
        ("node".to_string(), output("node".as_ref(), &["--version"])),
        ("uid".to_string(), status_line("Uid:")),
        (
            "kernel".to_string(),
            fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default(),
        ),
        (
            "cores".to_string(),
            std::thread::available_parallelism().map_or(0, |n| n.get()).to_string(),
        ),
    ];
    for name in ENVIRONMENT {
        let value = std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        facts.push((format!("env {name}"), format!("{value:?}")));
    }
    facts
}

/// A line of /proc/self/status (the user ids: real, effective, saved, fs).
fn status_line(key: &str) -> String {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with(key))
        .unwrap_or_default()
        .to_string()
}

fn add_text(hash: &mut Sha256, label: &str, text: &str) {
    // Lengths first, so that no two different lists of parts hash alike.
    for part in [label.as_bytes(), text.as_bytes()] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
}

fn add_file(hash: &mut Sha256, label: &str, name: &Path, path: &Path) -> Result<()> {
    add_text(hash, label, &name.to_string_lossy());
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        // Gone since the walk (an editor's temporary file): recorded as such.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            add_text(hash, "missing", "");
            return Ok(());
        }
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    hash.update(length.to_le_bytes());
    let mut buffer = vec![0; 1 << 20];
    let mut read = 0u64;
    loop {
        let n = file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        read += n as u64;
        hash.update(&buffer[..n]);
    }
    // A file that changed length while being read is recorded as changing.
    hash.update(read.to_le_bytes());
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A check's earlier pass.
#[derive(Debug, PartialEq, Eq)]
pub struct Pass {
    /// The summary line it passed with.
    pub summary: String,
    /// When, in seconds since 1970.
    pub at: u64,
}

impl Pass {
    /// How long ago, in words: `4 min ago`.
    pub fn age(&self, now: u64) -> String {
        let seconds = now.saturating_sub(self.at);
        match seconds {
            0..60 => format!("{seconds} s ago"),
            60..7200 => format!("{} min ago", seconds / 60),
            7200..172_800 => format!("{} h ago", seconds / 3600),
            _ => format!("{} days ago", seconds / 86_400),
        }
    }
}

/// The records of passes: one file per check in `<target>/xtask-cache/`.
pub struct Records {
    dir: PathBuf,
}

impl Records {
    pub fn at(dir: PathBuf) -> Records {
        Records { dir }
    }

    fn file(&self, check: &str) -> PathBuf {
        self.dir.join(format!("{check}.pass"))
    }

    /// The check's last pass, if it was on inputs with this fingerprint.
    pub fn find(&self, check: &str, fingerprint: &Fingerprint) -> Option<Pass> {
        let text = fs::read_to_string(self.file(check)).ok()?;
        let mut fields = text.lines();
        let recorded = fields.next()?.strip_prefix("fingerprint ")?;
        let at = fields.next()?.strip_prefix("at ")?.parse().ok()?;
        let summary = fields.next()?.strip_prefix("summary ")?.to_string();
        (recorded == fingerprint.hex).then_some(Pass { summary, at })
    }

    /// Records a pass. Written to a file of its own and renamed into place,
    /// so that a run reading at the same time sees the old record or the new.
    pub fn record(&self, check: &str, fingerprint: &Fingerprint, summary: &str) -> Result<()> {
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        let at = now();
        let one_line = summary.replace('\n', " ");
        let text = format!("fingerprint {}\nat {at}\nsummary {one_line}\n", fingerprint.hex);
        let partial = self.dir.join(format!("{check}.pass.{}", std::process::id()));
        fs::write(&partial, text).with_context(|| format!("writing {}", partial.display()))?;
        fs::rename(&partial, self.file(check))
            .with_context(|| format!("recording the pass in {}", self.file(check).display()))
    }
}

/// Seconds since 1970.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout() -> crate::files::TempDir {
        let dir = crate::files::temp_dir("xtask-cache-test-").unwrap();
        for (path, text) in [
            ("Cargo.toml", "[workspace]\n"),
            ("src/intro.md", "# Intro\n"),
            ("target/debug/built", "old build"),
            ("book/index.html", "<p>built</p>"),
            (".git/HEAD", "ref: refs/heads/main\n"),
        ] {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn every_edit_to_an_input_changes_the_fingerprint() {
        let dir = checkout();
        let root = dir.path();
        let first = fingerprint(root, &[]).unwrap();
        assert_eq!(first.files, 2, "Cargo.toml and src/intro.md");
        assert_eq!(fingerprint(root, &[]).unwrap(), first, "same inputs, same fingerprint");

        fs::write(root.join("src/intro.md"), "# Intro!\n").unwrap();
        let edited = fingerprint(root, &[]).unwrap();
        assert_ne!(edited, first, "an edited file");

        fs::write(root.join("src/new.md"), "").unwrap();
        let added = fingerprint(root, &[]).unwrap();
        assert_ne!(added, edited, "an added file, even an empty one");

        fs::rename(root.join("src/new.md"), root.join("src/renamed.md")).unwrap();
        assert_ne!(fingerprint(root, &[]).unwrap(), added, "a renamed file");
    }

    #[test]
    fn a_link_and_the_file_it_points_to_are_inputs() {
        let dir = checkout();
        let root = dir.path();
        fs::write(root.join("outside.txt"), "one").unwrap();
        let before = fingerprint(root, &[]).unwrap();
        std::os::unix::fs::symlink("../outside.txt", root.join("src/linked.md")).unwrap();
        let linked = fingerprint(root, &[]).unwrap();
        assert_ne!(linked, before, "a new link");
        fs::write(root.join("outside.txt"), "two").unwrap();
        let edited = fingerprint(root, &[]).unwrap();
        assert_ne!(edited, linked, "the linked file edited");
        fs::remove_file(root.join("src/linked.md")).unwrap();
        std::os::unix::fs::symlink("../Cargo.toml", root.join("src/linked.md")).unwrap();
        assert_ne!(fingerprint(root, &[]).unwrap(), edited, "the link pointed elsewhere");

        std::os::unix::fs::symlink("../src", root.join("src/folder")).unwrap();
        let err = fingerprint(root, &[]).unwrap_err().to_string();
        assert!(err.contains("links to a folder"), "{err}");
    }

    #[test]
    fn build_output_is_not_an_input_but_executables_are() {
        let dir = checkout();
        let root = dir.path();
        let first = fingerprint(root, &[]).unwrap();
        for output in ["target/debug/built", "book/index.html", ".git/HEAD"] {
            fs::write(root.join(output), "rebuilt").unwrap();
        }
        assert_eq!(fingerprint(root, &[]).unwrap(), first);

        let exe = root.join("target/debug/built");
        let with_exe = fingerprint(root, std::slice::from_ref(&exe)).unwrap();
        assert_ne!(with_exe, first);
        fs::write(&exe, "relinked").unwrap();
        assert_ne!(fingerprint(root, &[exe]).unwrap(), with_exe, "a relinked executable");
    }

    #[test]
    fn a_pass_is_found_only_with_its_own_fingerprint() {
        let dir = crate::files::temp_dir("xtask-cache-records-").unwrap();
        let records = Records::at(dir.path().join("xtask-cache"));
        let a = Fingerprint { hex: "a".repeat(64), files: 1 };
        let b = Fingerprint { hex: "b".repeat(64), files: 1 };
        assert_eq!(records.find("browser", &a), None, "nothing recorded yet");

        records.record("browser", &a, "34 browser tests passed").unwrap();
        let pass = records.find("browser", &a).expect("the pass just recorded");
        assert_eq!(pass.summary, "34 browser tests passed");
        assert!(now() - pass.at < 60);
        assert_eq!(records.find("browser", &b), None, "other inputs");
        assert_eq!(records.find("pdf", &a), None, "another check");

        records.record("browser", &b, "33 browser tests passed").unwrap();
        assert_eq!(records.find("browser", &a), None, "only the last pass is kept");
    }

    #[test]
    fn ages_are_said_in_words() {
        let pass = Pass { summary: String::new(), at: 1_000_000 };
        assert_eq!(pass.age(1_000_042), "42 s ago");
        assert_eq!(pass.age(1_000_000 + 25 * 60), "25 min ago");
        assert_eq!(pass.age(1_000_000 + 5 * 3600), "5 h ago");
        assert_eq!(pass.age(1_000_000 + 3 * 86_400), "3 days ago");
    }
}
