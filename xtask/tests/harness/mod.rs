//! The one harness of xtask's integration tests (`fixtures.rs`,
//! `scaffold.rs`): a fixture book copied under `target/tmp/`, edited in
//! memory, written where it changed (so cargo's cache stays warm between
//! runs), and the real xtask binary run on it.
#![allow(dead_code)] // each test file uses part of it

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a copy keeps between runs: build output, the rendered book, the lock.
fn is_kept(relative: &Path) -> bool {
    let first = relative.components().next().map(|c| c.as_os_str());
    first.is_some_and(|f| f == "target" || f == "book") || relative == Path::new("Cargo.lock")
}

/// A fixture book from `tests/fixtures/<base>`: its files, with edits
/// applied in memory, to be written to `target/tmp/<group>/<name>`.
pub struct Fixture {
    dir: PathBuf,
    files: BTreeMap<PathBuf, String>,
}

impl Fixture {
    pub fn of(base: &str, group: &str, name: &str) -> Fixture {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(base);
        let files = xtask::files::walk(&base)
            .into_iter()
            .map(|path| path.strip_prefix(&base).unwrap().to_path_buf())
            .filter(|relative| !is_kept(relative))
            .map(|relative| {
                let text = fs::read_to_string(base.join(&relative)).unwrap();
                (relative, text)
            })
            .collect();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(group).join(name);
        hold_group_lock(group);
        Fixture { dir, files }
    }

    /// `tests/fixtures/tiny-book`, copied to `target/tmp/fixture-books/<name>`.
    pub fn tiny_book(name: &str) -> Fixture {
        Fixture::of("tiny-book", "fixture-books", name)
    }

    /// Replaces `from` with `to` in a file; the text must be there.
    pub fn replace(mut self, file: &str, from: &str, to: &str) -> Fixture {
        let text = self.files.get_mut(Path::new(file)).unwrap_or_else(|| panic!("no {file}"));
        assert!(text.contains(from), "{file} does not contain {from:?}");
        *text = text.replacen(from, to, 1);
        self
    }

    pub fn add(mut self, file: &str, text: &str) -> Fixture {
        self.files.insert(PathBuf::from(file), text.to_string());
        self
    }

    /// Writes the book to its folder: files it no longer has (and folders
    /// left empty) go, build output stays, unchanged files are not touched.
    pub fn write(self) -> PathBuf {
        for existing in xtask::files::walk(&self.dir) {
            let relative = existing.strip_prefix(&self.dir).unwrap();
            if !is_kept(relative) && !self.files.contains_key(relative) {
                fs::remove_file(&existing).unwrap();
            }
        }
        remove_empty_folders(&self.dir);
        for (relative, text) in &self.files {
            let path = self.dir.join(relative);
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, text).unwrap();
            }
        }
        self.dir
    }

    /// Writes the book and runs `xtask test` on it.
    pub fn test(self) -> Outcome {
        self.test_only(&[])
    }

    /// Like `test`, verifying only the named listings.
    pub fn test_only(self, packages: &[&str]) -> Outcome {
        let root = self.write();
        let mut args = vec!["test"];
        args.extend(packages);
        xtask(&root, &args)
    }
}

/// The copies under `target/tmp/<group>/` are shared by every run of these
/// tests on this checkout; two `cargo xtask test` at once (two
/// contributors, a soak beside a maintainer's run) would rewrite each
/// other's books half-way. The first fixture of a group takes an exclusive
/// lock on `target/tmp/<group>.lock` and this test process holds it until it
/// exits, so a second run waits for the first instead of clobbering it.
fn hold_group_lock(group: &str) {
    use std::sync::{Mutex, OnceLock};
    static HELD: OnceLock<Mutex<BTreeMap<String, fs::File>>> = OnceLock::new();
    let mut held = HELD.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
    if held.contains_key(group) {
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    fs::create_dir_all(tmp).unwrap();
    let path = tmp.join(format!("{group}.lock"));
    let file = fs::File::create(&path)
        .unwrap_or_else(|e| panic!("creating the lock {}: {e}", path.display()));
    let flock = |operation| {
        use std::os::fd::AsRawFd as _;
        // SAFETY: flock on a file descriptor this function owns.
        unsafe { libc::flock(file.as_raw_fd(), operation) == 0 }
    };
    if !flock(libc::LOCK_EX | libc::LOCK_NB) {
        eprintln!("waiting for another run's fixture books ({} is held) ...", path.display());
        assert!(
            flock(libc::LOCK_EX),
            "locking {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
    }
    held.insert(group.to_string(), file);
}

/// Removes the empty folders below `dir` (not `target/`), deepest first.
fn remove_empty_folders(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && entry.file_name() != "target" {
            remove_empty_folders(&path);
            let _ = fs::remove_dir(&path); // fails, as it should, unless empty
        }
    }
}

/// What a run of xtask did.
pub struct Outcome {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Some error message contains every one of `parts` (so it names both
    /// the place and the fault).
    #[track_caller]
    pub fn says(&self, parts: &[&str]) {
        let found = self
            .stderr
            .split("\nerror: ")
            .any(|message| parts.iter().all(|part| message.contains(part)));
        assert!(found, "no error mentions all of {parts:?}; stderr was:\n{}", self.stderr);
    }

    /// The run failed, said so in its summary, and one of its errors
    /// contains every one of `parts`.
    #[track_caller]
    pub fn fails_with(&self, parts: &[&str]) {
        assert!(
            !self.success,
            "expected failure, but it passed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self.says(parts);
        assert!(self.stdout.contains(" failed"), "no summary line:\n{}", self.stdout);
        assert!(!self.stdout.contains(", 0 failed"), "summary claims no failure:\n{}", self.stdout);
    }
}

/// Runs the real xtask binary on the book at `root`. A `test` runs every
/// check (`--no-cache`): these tests are about what the checks find, and a
/// fixture book is tested again, unchanged, each time they run.
pub fn xtask(root: &Path, args: &[&str]) -> Outcome {
    let mut args = args.to_vec();
    if args.first() == Some(&"test") {
        args.insert(1, "--no-cache");
    }
    outcome_of(xtask_command(root, &args), &args)
}

/// Runs `xtask test` on the book at `root` as a contributor does: a pass on
/// the same inputs as an earlier one is reused. `CI` is removed, since it
/// turns reuse off, for when these tests themselves run in CI.
pub fn xtask_test_reusing_passes(root: &Path) -> Outcome {
    let mut command = xtask_command(root, &["test"]);
    command.env_remove("CI");
    outcome_of(command, &["test"])
}

fn xtask_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("--root").arg(root).args(args).env_remove("CARGO_TARGET_DIR");
    command
}

fn outcome_of(mut command: Command, args: &[&str]) -> Outcome {
    let output = command.output().expect("running xtask");
    let outcome = Outcome {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    // Shown when a test fails (and with --nocapture).
    println!("$ xtask {}\n{}{}", args.join(" "), outcome.stdout, outcome.stderr);
    outcome
}

#[track_caller]
pub fn succeeds(outcome: &Outcome) {
    assert!(outcome.success, "failed:\n{}\n{}", outcome.stdout, outcome.stderr);
}
