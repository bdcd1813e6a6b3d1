//! `cargo xtask watch <exercise>`: the loop for a reader working on an
//! exercise in their own editor. It runs the exercise's tests now, then
//! again each time a file in its crate is saved, and after each run says how
//! many tests pass, which fail, and what to do next.
//!
//! Saves are noticed by polling the crate's files (their size and
//! modification time) a few times a second, as `serve` does: no watcher
//! crate, the same on every system.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

use crate::book::{self, Entry};
use crate::kinds::Kind;
use crate::listings::{self, Listing};

/// How often the crate's files are looked at.
const POLL: Duration = Duration::from_millis(300);

/// Runs the exercise's tests now and after every save, until Ctrl-C (or,
/// for tests, `runs` runs).
pub fn watch(root: &Path, exercise: &str, runs: Option<usize>) -> Result<()> {
    let (listings, _) = listings::discover(root)?;
    let listing = find(root, &listings, exercise)?;
    let next = next_steps(root, &listing)?;
    stop_on_ctrl_c()?;
    println!(
        "watching {}/ ({}): its tests run now and each time you save a file there; \
         Ctrl-C to stop",
        listing.rel_dir, listing.package
    );
    let mut done = 0;
    loop {
        let before = snapshot(&listing.dir);
        done += 1;
        let result = run_tests(root, &listing.package)?;
        println!("{}", result.report(done, &listing, &next));
        if runs.is_some_and(|runs| done >= runs) {
            return Ok(());
        }
        // A save during the run counts: compare with the files as they
        // were when it started.
        while snapshot(&listing.dir) == before {
            std::thread::sleep(POLL);
        }
        println!("\na file in {}/ changed; running the tests again ...", listing.rel_dir);
    }
}

/// The exercise named by its package or its folder, or an error listing
/// every exercise.
fn find(root: &Path, listings: &[Listing], name: &str) -> Result<Listing> {
    let name = name.trim_end_matches('/');
    let by_folder = |l: &&Listing| {
        let given = Path::new(name);
        let absolute = if given.is_absolute() {
            given.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(given)
        };
        l.rel_dir == name
            || absolute.canonicalize().is_ok_and(|p| p == l.dir)
            || root.join(given).canonicalize().is_ok_and(|p| p == l.dir)
    };
    let found =
        listings.iter().find(|l| l.package == name).or_else(|| listings.iter().find(by_folder));
    let exercises: Vec<String> = listings
        .iter()
        .filter(|l| l.kind == Kind::Exercise)
        .map(|l| format!("  {:<28} {}/", l.package, l.rel_dir))
        .collect();
    let list = if exercises.is_empty() {
        "this book has no exercises".to_string()
    } else {
        format!("the exercises are:\n{}", exercises.join("\n"))
    };
    match found {
        Some(l) if l.kind == Kind::Exercise => Ok(l.clone()),
        Some(l) => bail!(
            "`{}` is a `{}` listing, not an exercise (`watch` runs an exercise's tests); {list}",
            l.package,
            l.kind
        ),
        None => bail!("no exercise is named `{name}`; {list}"),
    }
}

/// What to say when every test passes: where the solution is, and the
/// next chapter.
struct Next {
    solution: String,
    chapter: Option<String>,
}

fn next_steps(root: &Path, listing: &Listing) -> Result<Next> {
    let chapter = listing.package.split('-').next().unwrap_or("");
    let pages = book::entries(root)?;
    let is_solutions = |e: &Entry| e.source.ends_with("-solutions.md");
    let in_chapter = |e: &Entry| {
        Path::new(&e.source)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&format!("{chapter}-")))
    };
    let solution_crate = format!("{}/ ({}-solution)", sibling(&listing.rel_dir), listing.package);
    let solution = match pages.iter().find(|e| in_chapter(e) && is_solutions(e)) {
        Some(page) => {
            let html = Path::new(&page.source).with_extension("html");
            let html = html.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            format!(
                "the solution on {} (http://127.0.0.1:3000/{html} under `cargo xtask serve`; \
                 its crate: {solution_crate})",
                page.source
            )
        }
        None => format!("the solution, {solution_crate}"),
    };
    let last = pages.iter().rposition(in_chapter);
    let chapter = last.and_then(|last| {
        pages[last + 1..]
            .iter()
            .find(|e| !is_solutions(e))
            .map(|e| format!("\"{}\" ({})", e.name, e.source))
    });
    Ok(Next { solution, chapter })
}

/// `listings/ch08/ex-transfer` → `listings/ch08/ex-transfer-solution`.
fn sibling(rel_dir: &str) -> String {
    format!("{rel_dir}-solution")
}

/// Each file's size and modification time under the crate's folder
/// (its own `target/`, if any, left out).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    crate::files::walk(dir)
        .into_iter()
        .filter(|p| !p.strip_prefix(dir).is_ok_and(|r| r.starts_with("target")))
        .filter_map(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            Some((p, (meta.len(), meta.modified().ok())))
        })
        .collect()
}

/// What one `cargo test -p <package>` did.
#[derive(Debug, Default, PartialEq)]
struct TestRun {
    passed: Vec<String>,
    failed: Vec<String>,
    /// cargo failed without a failing test: it did not compile.
    compiled: bool,
}

fn run_tests(root: &Path, package: &str) -> Result<TestRun> {
    println!("$ cargo test -p {package}");
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["test", "-p", package])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo test")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let mut run = parse(&stdout);
    run.compiled = output.status.success() || !run.failed.is_empty();
    Ok(run)
}

/// The tests libtest reports as passed and failed in its output.
fn parse(stdout: &str) -> TestRun {
    let mut run = TestRun::default();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            run.passed.push(name.to_string());
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            run.failed.push(name.to_string());
        }
    }
    run
}

impl TestRun {
    /// The lines a reader reads after a run.
    fn report(&self, n: usize, listing: &Listing, next: &Next) -> String {
        let total = self.passed.len() + self.failed.len();
        let again =
            format!("save a file in {}/ to run the tests again (Ctrl-C to stop)", listing.rel_dir);
        let head = format!("-- run {n}: ");
        if !self.compiled {
            return format!(
                "{head}{} does not compile yet.\n   next: fix the first error cargo printed \
                 above; {again}",
                listing.package
            );
        }
        if self.failed.is_empty() && total > 0 {
            let then = match &next.chapter {
                Some(chapter) => format!("then move on to {chapter}"),
                None => "that was the book's last exercise".to_string(),
            };
            return format!(
                "{head}all {total} tests pass.\n   next: compare your code with {}; {then}.",
                next.solution
            );
        }
        if total == 0 {
            return format!("{head}no tests ran.\n   next: {again}");
        }
        format!(
            "{head}{} of {total} tests pass; failing: {}.\n   next: keep going: make `{}` pass \
             (its message is above); {again}",
            self.passed.len(),
            self.failed.join(", "),
            self.failed[0]
        )
    }
}

/// Ctrl-C: cargo, in the same process group, gets it too and stops; this
/// process says so and exits.
fn stop_on_ctrl_c() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut interrupt) = signal(SignalKind::interrupt()) {
                interrupt.recv().await;
                println!("\nstopped watching.");
                std::process::exit(130);
            }
        });
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_lines_are_read_as_passed_and_failed() {
        let stdout = "running 3 tests\ntest tests::a ... ok\ntest tests::b ... FAILED\n\
                      test tests::c ... ignored\n\nfailures:\n\ntest result: FAILED. 1 passed";
        let run = parse(stdout);
        assert_eq!(run.passed, ["tests::a"]);
        assert_eq!(run.failed, ["tests::b"]);
    }
}
