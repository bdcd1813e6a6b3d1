//! Verifying one listing as its kind says: run it and compare its output,
//! compare its compiler errors, or run its tests. Each function returns the
//! problems it found; the checks in `test.rs` decide what runs when.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::build::{Compiled, target_dir};
use crate::kinds::{Blessed, Verify};
use crate::listings::Listing;
use crate::problems::{Problems, indent};

/// A listing that runs longer than this is stopped and reported.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// What a listing's binary did.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub status: Option<i32>,
    pub timed_out: bool,
}

impl Run {
    /// The exit the listing's kind expects (0, or 101 for a panic).
    pub fn expected_exit(listing: &Listing) -> i32 {
        match listing.kind.rules().verify {
            Verify::Run { exit } => exit,
            _ => 0,
        }
    }

    pub fn exited_as_expected(&self, listing: &Listing) -> bool {
        !self.timed_out && self.status == Some(Run::expected_exit(listing))
    }

    /// What it did, against what it should have done.
    pub fn describe_status(&self, listing: &Listing) -> String {
        if self.timed_out {
            return format!("did not finish within {} s and was stopped", RUN_TIMEOUT.as_secs());
        }
        let got = match self.status {
            Some(0) => "exited successfully".to_string(),
            Some(101) => "panicked (exit code 101)".to_string(),
            Some(code) => format!("exited with code {code}"),
            None => "was killed by a signal".to_string(),
        };
        let wanted = match Run::expected_exit(listing) {
            0 => "to exit successfully".to_string(),
            101 => "to panic".to_string(),
            code => format!("to exit with code {code}"),
        };
        let mut message = format!("expected {wanted}, but it {got}");
        if !self.stderr.trim().is_empty() {
            let _ = write!(message, "; its stderr:\n{}", indent(&self.stderr));
        }
        message
    }

    /// The text of a blessed file: stdout, or stderr.
    pub fn blessed(&self, blessed: Blessed) -> &str {
        match blessed {
            Blessed::Stdout => &self.stdout,
            Blessed::Stderr | Blessed::CompilerMessages => &self.stderr,
        }
    }
}

/// Runs a listing's binary, from the book root, with its arguments.
pub fn run_listing(root: &Path, listing: &Listing) -> Result<Run> {
    let bin = listing.bin.as_deref().context("no binary to run")?;
    let exe = target_dir(root).join("debug").join(bin);
    let child = Command::new(&exe)
        .args(&listing.args)
        .current_dir(root)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    let done = crate::timed::wait(child, RUN_TIMEOUT, Duration::from_millis(5))?;
    Ok(Run {
        stdout: done.stdout,
        stderr: done.stderr,
        status: done.status.and_then(|status| status.code()),
        timed_out: done.timed_out,
    })
}

/// Runs a `runs` or `panics` listing and compares what it printed.
pub fn verify_run(root: &Path, listing: &Listing) -> Problems {
    let mut problems = Problems::default();
    let run = match run_listing(root, listing) {
        Ok(run) => run,
        Err(err) => {
            problems.at(&listing.rel_dir, format!("{err:#}"));
            return problems;
        }
    };
    if !run.exited_as_expected(listing) {
        problems.at(&listing.rel_dir, run.describe_status(listing));
        return problems;
    }
    if let Some(wanted) = listing.panic.as_deref()
        && (!run.stderr.contains("panicked at") || !run.stderr.contains(wanted))
    {
        problems.at(
            &listing.rel_dir,
            format!(
                "expected a panic whose message contains `{wanted}` (declared in Cargo.toml), but stderr was:\n{}",
                indent(&run.stderr)
            ),
        );
        for blessed in listing.kind.rules().blessed.iter().filter(|b| **b == Blessed::Stdout) {
            compare(listing, *blessed, run.blessed(*blessed), &mut problems);
        }
        return problems;
    }
    for blessed in listing.kind.rules().blessed {
        compare(listing, *blessed, run.blessed(*blessed), &mut problems);
    }
    problems
}

/// Compares `actual` with the committed file, both normalized by the one
/// function [`Listing::normalize`], and reports a diff on mismatch.
pub fn compare(listing: &Listing, blessed: Blessed, actual: &str, problems: &mut Problems) {
    let location = listing.rel_file(blessed.file_name());
    let Ok(expected) = fs::read_to_string(listing.blessed_file(blessed)) else {
        problems.at(
            &location,
            format!(
                "has not been blessed yet: run `cargo xtask bless {}` and review the file",
                listing.package
            ),
        );
        return;
    };
    let (expected, actual) = (listing.normalize(&expected), listing.normalize(actual));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, &actual);
        let mut shown = String::new();
        for change in diff.iter_all_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            let _ = write!(shown, "    {sign}{change}");
            if change.missing_newline() {
                shown.push('\n');
            }
        }
        problems.at(
            &location,
            format!(
                "the listing's output differs from what the book shows (- book, + actual{}):\n{shown}    \
                 if the new output is right, run `cargo xtask bless {}`",
                if listing.normalize.is_empty() { "" } else { ", after normalizing" },
                listing.package
            ),
        );
    }
}

/// Checks a does-not-compile listing's compiler messages.
pub fn verify_compile_error(listing: &Listing, compiled: &Compiled) -> Problems {
    let mut problems = Problems::default();
    let expected = listing.expected_error();
    if compiled.succeeded {
        problems.at(
            format!("{}/src/main.rs", listing.rel_dir),
            format!(
                "is declared does-not-compile (expecting `{expected}`), but it compiled successfully"
            ),
        );
    } else if !compiled.rendered.contains(&expected) {
        problems.at(
            format!("{}/Cargo.toml", listing.rel_dir),
            format!(
                "expected the compiler to report `{expected}`, but it said:\n{}",
                indent(&compiled.rendered)
            ),
        );
    } else {
        for blessed in listing.kind.rules().blessed {
            compare(listing, *blessed, &compiled.rendered, &mut problems);
        }
    }
    problems
}

/// Runs a listing's test executables; at least one test must pass.
/// Returns how many passed.
pub fn verify_tests(listing: &Listing, executables: Option<&Vec<PathBuf>>) -> (usize, Problems) {
    let mut problems = Problems::default();
    let Some(executables) = executables else {
        problems.at(&listing.rel_dir, format!("a `{}` listing has no tests", listing.kind));
        return (0, problems);
    };
    let passed = match run_test_executables(&listing.package, &listing.dir, executables) {
        Ok(passed) => passed,
        Err(err) => {
            problems.at(&listing.rel_dir, format!("{err:#}"));
            return (0, problems);
        }
    };
    if passed == 0 {
        problems.at(
            &listing.rel_dir,
            format!("a `{}` listing must have at least one test, and none ran", listing.kind),
        );
    }
    (passed, problems)
}

/// Runs test executables as `cargo test` would (from the package folder) and
/// returns how many tests passed.
pub fn run_test_executables(package: &str, dir: &Path, executables: &[PathBuf]) -> Result<usize> {
    let mut passed = 0;
    for exe in executables {
        let output = Command::new(exe)
            .current_dir(dir)
            .env("CARGO_MANIFEST_DIR", dir)
            .env("CARGO_PKG_NAME", package)
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", exe.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "tests failed ({}):\n{}{}",
                exe.file_name().unwrap_or_default().to_string_lossy(),
                indent(&stdout),
                indent(&String::from_utf8_lossy(&output.stderr))
            );
        }
        passed += passed_in(&stdout);
    }
    Ok(passed)
}

/// The tests a libtest run reports as passed: `test result: ok. 3 passed; ...`.
fn passed_in(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum()
}

/// Calls `work` on every item, as many at once as the machine has cores,
/// and returns the results in the items' order.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(items.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(item) = items.get(index) else { break done };
                        done.push((index, work(item)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a worker thread panicked")).collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passed_tests_are_counted_from_every_result_line() {
        let stdout = "running 2 tests\ntest a ... ok\n\ntest result: ok. 2 passed; 0 failed;\n\
                      test result: ok. 1 passed; 0 failed;\ntest result: FAILED. 0 passed;\n";
        assert_eq!(passed_in(stdout), 3);
    }

    #[test]
    fn parallel_work_keeps_the_items_order() {
        let items: Vec<u64> = (0..20).collect();
        let doubled = in_parallel(&items, |n| {
            std::thread::sleep(Duration::from_millis(20 - n));
            n * 2
        });
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
