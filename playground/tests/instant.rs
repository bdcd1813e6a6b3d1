//! Instant Run: an unedited listing runs the binary the workspace's build
//! made, never rustc, and answers exactly as a compiled Run of the same code.
//!
//! Two playgrounds on the real workspace: `instant` finds the listings'
//! binaries in a target folder of this test's own (copies of what cargo
//! built, one made stale by its date), `compiling` in an empty one, so it
//! compiles everything as a playground without instant Run does. Nothing
//! in the workspace is changed: the binaries come from the workspace build's
//! own command, which `cargo xtask test` has run already.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use book_playground::{Options, RunCounts, prebuilt};
use common::{Server, start, test_options, workspace_root};

/// Fresh copies: a listing that prints, and one that panics (its panic's
/// line moves in the page's form: anchor lines come before it).
const FRESH: &[&str] = &["ch02-count-to", "ch03-poll-after-ready"];
/// A copy older than its source, as after an edit not yet rebuilt.
const STALE: &str = "ch02-async-move";
/// Fresh, but its binary holds its crate name (tracing's callsites keep
/// their module path), which a compiled Run would print as `playground`.
const NAMES_ITSELF: &str = "ch18-instrument";

struct Playgrounds {
    instant: Server,
    compiling: Server,
    _target: tempfile::TempDir,
    _empty: tempfile::TempDir,
}

/// The counters are per playground and the tests share them: one test at
/// a time.
fn playgrounds() -> MutexGuard<'static, Playgrounds> {
    static PLAYGROUNDS: OnceLock<Mutex<Playgrounds>> = OnceLock::new();
    PLAYGROUNDS
        .get_or_init(|| {
            let with_target =
                |dir: &Path| Options { target_dir: Some(dir.into()), ..test_options() };
            // The compiling playground first: starting it builds the
            // playground's own dependency rlibs (on a fresh clone, for the
            // first time), which a fresh binary must be newer than; the
            // copies below are, as a workspace build after it would be.
            let empty = tempfile::tempdir().expect("an empty target folder");
            let compiling = start(with_target(empty.path()));
            let target = tempfile::tempdir().expect("a target folder");
            let debug = target.path().join("debug");
            std::fs::create_dir(&debug).unwrap();
            let mut all: Vec<&str> = FRESH.to_vec();
            all.extend([STALE, NAMES_ITSELF]);
            for (package, executable) in build(&all) {
                let name = package.as_str();
                let copy = debug.join(name);
                std::fs::copy(&executable, &copy).unwrap();
                let source = source_of(name);
                std::fs::write(
                    debug.join(format!("{name}.d")),
                    format!("{}: {}\n", copy.display(), source.display()),
                )
                .unwrap();
                if name == STALE {
                    let source_changed = std::fs::metadata(&source).unwrap().modified().unwrap();
                    std::fs::File::options()
                        .write(true)
                        .open(&copy)
                        .unwrap()
                        .set_modified(source_changed - Duration::from_secs(1))
                        .unwrap();
                }
            }
            Mutex::new(Playgrounds {
                instant: start(with_target(target.path())),
                compiling,
                _target: target,
                _empty: empty,
            })
        })
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The packages' executables as the workspace build makes them; (package,
/// its executable). The very command of `cargo xtask test`'s build stage
/// (`cargo build --workspace --bins`), so under it nothing is rebuilt: a
/// build of only these packages could resolve features differently and
/// relink binaries that the `outputs` check is running at the same time.
fn build(packages: &[&str]) -> Vec<(String, PathBuf)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(workspace_root()).args([
        "build",
        "--workspace",
        "--bins",
        "--message-format=json",
    ]);
    let output = command.output().expect("running cargo build");
    assert!(output.status.success(), "cargo build: {}", String::from_utf8_lossy(&output.stderr));
    let mut built = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let message: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        let name = message["target"]["name"].as_str().unwrap_or_default();
        if let Some(executable) = message["executable"].as_str()
            && packages.contains(&name)
        {
            built.push((name.to_string(), executable.into()));
        }
    }
    assert_eq!(built.len(), packages.len(), "executables built: {built:?}");
    built
}

fn source_of(package: &str) -> PathBuf {
    let (chapter, name) = package.split_once('-').unwrap();
    workspace_root().join("listings").join(chapter).join(name).join("src/main.rs")
}

fn file_of(package: &str) -> String {
    std::fs::read_to_string(source_of(package)).unwrap()
}

/// Runs `code` on `server`; the reply and how the Run was answered. A
/// panic's thread id (`thread 'main' (24945) panicked`), different in
/// every process, is dropped.
fn run(server: &Server, code: &str) -> (serde_json::Value, RunCounts) {
    let before = server.playground.run_counts();
    let mut reply = server.execute(code);
    let stderr = reply["stderr"].as_str().unwrap().to_string();
    reply["stderr"] = without_thread_ids(&stderr).into();
    let after = server.playground.run_counts();
    let delta = RunCounts {
        compiles: after.compiles - before.compiles,
        prebuilt: after.prebuilt - before.prebuilt,
    };
    (reply, delta)
}

fn without_thread_ids(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if let Some((head, rest)) = line.split_once("' (")
            && head.starts_with("thread '")
            && let Some((id, tail)) = rest.split_once(") panicked")
            && id.bytes().all(|b| b.is_ascii_digit())
        {
            out.push_str(&format!("{head}' panicked{tail}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

const PREBUILT: RunCounts = RunCounts { compiles: 0, prebuilt: 1 };
const COMPILED: RunCounts = RunCounts { compiles: 1, prebuilt: 0 };

#[test]
fn an_unedited_listing_runs_its_binary_and_answers_as_a_compiled_run() {
    let playgrounds = playgrounds();
    for package in FRESH {
        let file = file_of(package);
        let (page, dropped) = prebuilt::page_form(&file);
        assert!(!dropped.is_empty(), "{package} is shown through anchors");
        // As the book's page sends it, and the file itself.
        for (form, code) in [("page", &page), ("file", &file)] {
            let (instant, how) = run(&playgrounds.instant, code);
            assert_eq!(how, PREBUILT, "{package} ({form}) did not run its prebuilt binary");
            let (compiled, how) = run(&playgrounds.compiling, code);
            assert_eq!(
                how, COMPILED,
                "{package} ({form}) was not compiled without prebuilt binaries"
            );
            assert_eq!(
                instant, compiled,
                "{package} ({form}): instant Run differs from a compiled Run"
            );
            assert!(!instant["stdout"].as_str().unwrap().is_empty(), "{instant:#}");
        }
    }
}

#[test]
fn a_panicking_listing_gives_the_compiled_runs_message_and_location() {
    let playgrounds = playgrounds();
    let file = file_of("ch03-poll-after-ready");
    let (page, _) = prebuilt::page_form(&file);
    // The panic is on line 6 of the file; the page's code lacks the anchor
    // line above it, so a compiled Run of it says line 5.
    for (code, location) in [(&file, "src/main.rs:6:29:"), (&page, "src/main.rs:5:29:")] {
        let (instant, how) = run(&playgrounds.instant, code);
        assert_eq!(how, PREBUILT);
        let (compiled, _) = run(&playgrounds.compiling, code);
        for reply in [&instant, &compiled] {
            assert_eq!(reply["success"], false, "{reply:#}");
            assert_eq!(reply["exitDetail"], "exit status: 101", "{reply:#}");
            let stderr = reply["stderr"].as_str().unwrap();
            assert!(
                stderr.contains(&format!(
                    "thread 'main' panicked at {location}\n`async fn` resumed after completion"
                )),
                "{reply:#}"
            );
            assert!(!stderr.contains("listings/"), "the workspace's path leaked: {stderr}");
        }
        assert_eq!(instant, compiled);
    }
}

#[test]
fn an_edited_listing_compiles() {
    let playgrounds = playgrounds();
    let (page, _) = prebuilt::page_form(&file_of("ch02-count-to"));
    // One byte changed, in a comment: the same program, but not the book's.
    let at = page.find("//").expect("a comment") + 3;
    let mut bytes = page.into_bytes();
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    let edited = String::from_utf8(bytes).unwrap();
    let (reply, how) = run(&playgrounds.instant, &edited);
    assert_eq!(how, COMPILED, "{reply:#}");
    assert_eq!(reply["success"], true, "{reply:#}");
}

#[test]
fn other_options_compile() {
    let playgrounds = playgrounds();
    let (page, _) = prebuilt::page_form(&file_of("ch02-count-to"));
    let server = &playgrounds.instant;
    for (field, value) in [
        ("mode", serde_json::json!("release")),
        ("edition", serde_json::json!("2021")),
        ("backtrace", serde_json::json!(true)),
    ] {
        let mut body = serde_json::json!({
            "channel": "stable", "mode": "debug", "edition": "2024", "crateType": "bin",
            "tests": false, "backtrace": false, "code": page,
        });
        body[field] = value;
        let before = server.playground.run_counts();
        let reply = server.post("/execute", body.to_string().as_bytes(), &[]).json().unwrap();
        let after = server.playground.run_counts();
        assert_eq!(after.prebuilt, before.prebuilt, "{field}: {reply:#}");
        assert_eq!(after.compiles, before.compiles + 1, "{field}: {reply:#}");
    }
}

#[test]
fn a_stale_binary_compiles_and_start_up_says_so() {
    let playgrounds = playgrounds();
    let prebuilt = playgrounds.instant.playground.prebuilt();
    assert_eq!(prebuilt.len(), FRESH.len() + 1, "{:?}", prebuilt.stale_or_missing);
    assert!(
        prebuilt
            .stale_or_missing
            .iter()
            .any(|s| s.starts_with(STALE) && s.contains("changed after the build")),
        "{:?}",
        prebuilt.stale_or_missing
    );
    let summary = prebuilt::summary(prebuilt);
    assert!(summary.starts_with("instant Run: 3 listings prebuilt, "), "{summary}");

    let (page, _) = prebuilt::page_form(&file_of(STALE));
    let (reply, how) = run(&playgrounds.instant, &page);
    assert_eq!(how, COMPILED, "{reply:#}");
    assert_eq!(reply["success"], true, "{reply:#}");
}

#[test]
fn a_listing_whose_binary_holds_its_crate_name_compiles() {
    let playgrounds = playgrounds();
    let (page, _) = prebuilt::page_form(&file_of(NAMES_ITSELF));
    assert!(page.contains("tracing"), "{NAMES_ITSELF} still uses tracing");
    let (reply, how) = run(&playgrounds.instant, &page);
    assert_eq!(how, COMPILED, "{reply:#}");
    assert_eq!(reply["success"], true, "{reply:#}");
    // Found fresh, then turned down on its first Run, and so from then on.
    let (_, how) = run(&playgrounds.instant, &page);
    assert_eq!(how, COMPILED);
}
