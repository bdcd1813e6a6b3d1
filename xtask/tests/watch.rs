//! `cargo xtask watch <exercise>` on a copy of `tests/fixtures/tiny-book`:
//! it runs the exercise's tests, runs them again when a file of the crate is
//! saved, says what passes and what to do next, and stops on Ctrl-C; a
//! wrong name lists the exercises.

mod harness;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use harness::Fixture;

/// Generous: the first run compiles the exercise in the fixture book.
const RUN_TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn watch_reruns_the_tests_when_a_file_is_saved_and_says_what_next() {
    let root = Fixture::of("tiny-book", "watch", "exercise").write();
    let crate_dir = root.join("listings/ch01/ex-double");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(&root)
        // The exercise by its folder; the package name is tested below.
        .args(["watch", crate_dir.to_str().unwrap(), "--runs", "3"])
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting xtask watch");
    let (lines, receive) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            let _ = lines.send(line);
        }
    });
    // Waits for the line that starts with `prefix`, and returns it with
    // the line after it (the "next:" line), if there is one.
    let wait_for = |prefix: &str| -> (String, Option<String>) {
        loop {
            let line = receive
                .recv_timeout(RUN_TIMEOUT)
                .unwrap_or_else(|e| panic!("no line starting {prefix:?}: {e}"));
            if line.starts_with(prefix) {
                return (line, receive.recv_timeout(RUN_TIMEOUT).ok());
            }
        }
    };

    // The starter's `todo!()`: its one test fails, named.
    let (first, next) = wait_for("-- run 1: ");
    let next = next.expect("a next: line");
    assert_eq!(first, "-- run 1: 0 of 1 tests pass; failing: tests::doubles.", "{first}");
    assert!(next.contains("keep going: make `tests::doubles` pass"), "{next}");

    // The reader saves a solution: the tests run again on their own.
    std::fs::write(
        crate_dir.join("src/lib.rs"),
        std::fs::read_to_string(crate_dir.join("src/lib.rs"))
            .unwrap()
            .replace("todo!(\"double {n}\")", "n * 2"),
    )
    .unwrap();
    let (second, next) = wait_for("-- run 2: ");
    let next = next.expect("a next: line");
    assert_eq!(second, "-- run 2: all 1 tests pass.", "{second}");
    assert!(next.contains("listings/ch01/ex-double-solution/ (ch01-ex-double-solution)"), "{next}");
    assert!(next.contains("then move on to \"Error index\" (src/appendix-errors.md)"), "{next}");

    // Ctrl-C while it waits for the next save: it says so and exits.
    // SAFETY: kill(2) on the child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let (stopped, _) = wait_for("stopped watching.");
    assert_eq!(stopped, "stopped watching.");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
}

#[test]
fn watch_with_a_wrong_name_lists_the_exercises() {
    let root = Fixture::of("tiny-book", "watch", "names").write();
    let outcome = harness::xtask(&root, &["watch", "ch01-ex-halve"]);
    assert!(!outcome.success);
    assert!(outcome.stderr.contains("no exercise is named `ch01-ex-halve`"), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("ch01-ex-double "), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("listings/ch01/ex-double/"), "{}", outcome.stderr);

    let outcome = harness::xtask(&root, &["watch", "ch01-hello"]);
    assert!(!outcome.success);
    assert!(outcome.stderr.contains("`ch01-hello` is a `runs` listing, not an exercise"));
}
