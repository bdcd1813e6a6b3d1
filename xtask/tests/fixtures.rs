//! `cargo xtask test` on small fixture books: a clean book passes, and each
//! kind of mistake fails with a message that says what is wrong and where.
//!
//! Each test copies `tests/fixtures/tiny-book`, breaks one thing, and runs
//! the real xtask binary on the copy. Copies live in a persistent folder
//! under `target/` and are only rewritten where their content changes, so
//! cargo's build cache stays warm between runs.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixture book: the base files, with edits applied in memory.
struct Fixture {
    name: &'static str,
    files: BTreeMap<PathBuf, String>,
}

impl Fixture {
    fn tiny_book(name: &'static str) -> Fixture {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/tiny-book");
        let mut files = BTreeMap::new();
        for entry in walk(&base) {
            let relative = entry.strip_prefix(&base).unwrap().to_path_buf();
            let first = relative.components().next().unwrap().as_os_str();
            if first == "target" || first == "book" {
                continue;
            }
            files.insert(relative, fs::read_to_string(&entry).unwrap());
        }
        Fixture { name, files }
    }

    /// Replaces `from` with `to` in a file; the text must be there.
    fn replace(mut self, file: &str, from: &str, to: &str) -> Fixture {
        let text = self.files.get_mut(Path::new(file)).unwrap_or_else(|| panic!("no {file}"));
        assert!(text.contains(from), "{file} does not contain {from:?}");
        *text = text.replacen(from, to, 1);
        self
    }

    fn add(mut self, file: &str, text: &str) -> Fixture {
        self.files.insert(PathBuf::from(file), text.to_string());
        self
    }

    /// Writes the book to its folder and runs `xtask test` on it.
    fn test(self) -> Outcome {
        self.test_only(&[])
    }

    /// Like `test`, verifying only the named listings.
    fn test_only(self, packages: &[&str]) -> Outcome {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-books").join(self.name);
        // Remove files the fixture no longer has, but keep build output.
        for existing in walk(&dir) {
            let relative = existing.strip_prefix(&dir).unwrap();
            let first = relative.components().next().unwrap().as_os_str();
            let kept = first == "target" || first == "book" || relative == Path::new("Cargo.lock");
            if !kept && !self.files.contains_key(relative) {
                fs::remove_file(&existing).unwrap();
            }
        }
        for (relative, text) in &self.files {
            let path = dir.join(relative);
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, text).unwrap();
            }
        }
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&dir)
            .arg("test")
            .args(packages)
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .expect("running xtask");
        Outcome {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

struct Outcome {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// The run failed, and its errors include one line containing every
    /// one of `parts` (so the message names both the place and the fault).
    #[track_caller]
    fn fails_with(&self, parts: &[&str]) {
        assert!(
            !self.success,
            "expected failure, but it passed:\n{}\n{}",
            self.stdout, self.stderr
        );
        let found = self
            .stderr
            .split("\nerror: ")
            .any(|message| parts.iter().all(|part| message.contains(part)));
        assert!(found, "no error mentions all of {parts:?}; stderr was:\n{}", self.stderr);
        assert!(self.stdout.contains(" failed"), "no summary line:\n{}", self.stdout);
        assert!(!self.stdout.contains(", 0 failed"), "summary claims no failure:\n{}", self.stdout);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

#[test]
fn a_correct_book_passes() {
    let outcome = Fixture::tiny_book("correct").test();
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(outcome.stdout.contains("outputs   2 compared"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains("errors    2 compared"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains(", 0 failed"), "{}", outcome.stdout);
}

#[test]
fn an_include_of_a_missing_anchor_is_named_with_its_line() {
    Fixture::tiny_book("missing-anchor")
        .replace("src/ch01-basics.md", "main.rs:greet}}", "main.rs:gret}}")
        .test()
        .fails_with(&["src/ch01-basics.md:8:", "anchor `gret`", "no `ANCHOR: gret`"]);
}

#[test]
fn an_edited_expected_output_shows_a_diff_and_the_bless_command() {
    Fixture::tiny_book("edited-output")
        .replace("listings/ch01/hello/output.txt", "from the fixture", "from a fixture")
        .test()
        .fails_with(&[
            "listings/ch01/hello/output.txt:",
            "differs from what the book shows",
            "-from a fixture",
            "+from the fixture",
            "cargo xtask bless ch01-hello",
        ]);
}

#[test]
fn a_does_not_compile_listing_that_compiles_is_reported() {
    Fixture::tiny_book("compiles-after-all")
        .replace("listings/ch01/mismatch/src/main.rs", "\"four\"", "4")
        .test()
        .fails_with(&[
            "listings/ch01/mismatch/src/main.rs:",
            "declared does-not-compile (expecting `error[E0308]`), but it compiled successfully",
        ]);
}

#[test]
fn a_listing_that_panics_differently_is_reported() {
    Fixture::tiny_book("panics-differently")
        .replace(
            "listings/ch01/boom/src/main.rs",
            "the answer was {answer}",
            "wrong answer {answer}",
        )
        .test()
        .fails_with(&[
            "listings/ch01/boom:",
            "message contains `the answer was 41`",
            "wrong answer 41",
        ]);
}

#[test]
fn an_orphan_listing_crate_is_reported() {
    Fixture::tiny_book("orphan")
        .add(
            "listings/ch01/stray/Cargo.toml",
            "[package]\nname = \"ch01-stray\"\nversion = \"0.1.0\"\nedition.workspace = true\n\n\
             [package.metadata.book]\nkind = \"tests\"\n",
        )
        .add("listings/ch01/stray/src/main.rs", "fn main() {}\n#[test]\nfn t() {}\n")
        .test()
        .fails_with(&[
            "listings/ch01/stray/Cargo.toml:",
            "`ch01-stray` is not shown by any chapter",
        ]);
}

#[test]
fn a_broken_internal_link_is_named_with_its_source_line() {
    Fixture::tiny_book("broken-link")
        .replace("src/ch01-basics.md", "(#hello)", "(#helo)")
        .test()
        .fails_with(&["src/ch01-basics.md:57", "link `#helo`", "no element with id `helo`"]);
}

#[test]
fn a_compile_error_with_another_code_is_reported() {
    Fixture::tiny_book("other-error-code")
        .replace("listings/ch01/mismatch/Cargo.toml", "E0308", "E0373")
        .test()
        .fails_with(&[
            "listings/ch01/mismatch/Cargo.toml:",
            "expected the compiler to report `error[E0373]`",
            "error[E0308]",
        ]);
}

#[test]
fn inline_rust_in_a_chapter_is_rejected() {
    Fixture::tiny_book("inline-rust")
        .replace("src/ch01-basics.md", "## Adder", "```rust\nfn main() {}\n```\n\n## Adder")
        .test()
        .fails_with(&["src/ch01-basics.md:47:", "Rust code written inline"]);
}

#[test]
fn a_listing_that_needs_the_internet_is_rejected() {
    Fixture::tiny_book("internet")
        .replace(
            "listings/ch01/hello/src/main.rs",
            "println!(\"hello\");",
            "println!(\"hello {}\", \"https://example.com/\");",
        )
        .test()
        .fails_with(&["listings/ch01/hello/src/main.rs:3:", "talks to `example.com`"]);
}

#[test]
fn an_unclosed_anchor_is_reported() {
    Fixture::tiny_book("unclosed-anchor")
        .replace("listings/ch01/hello/src/main.rs", "// ANCHOR_END: greet\n", "")
        .test()
        .fails_with(&[
            "listings/ch01/hello/src/main.rs:1:",
            "`ANCHOR: greet` has no `ANCHOR_END: greet`",
        ]);
}

#[test]
fn a_reference_to_an_unknown_listing_is_reported() {
    Fixture::tiny_book("unknown-reference")
        .replace("src/ch01-basics.md", "{{listing ch01-hello}}", "{{listing ch01-helo}}")
        .test()
        .fails_with(&["src/ch01-basics.md:13:", "names no listing shown in the book"]);
}

#[test]
fn a_reference_split_over_two_lines_is_reported() {
    Fixture::tiny_book("split-reference")
        .replace("src/ch01-basics.md", "{{listing ch01-hello}}", "{{listing\nch01-hello}}")
        .test()
        .fails_with(&["src/ch01-basics.md:13:", "on one line"]);
}

#[test]
fn naming_listings_verifies_only_those_and_says_what_was_skipped() {
    let edited = || {
        Fixture::tiny_book("partial").replace(
            "listings/ch01/hello/output.txt",
            "from the fixture",
            "from a fixture",
        )
    };
    let other = edited().test_only(&["ch01-boom"]);
    assert!(other.success, "{}\n{}", other.stdout, other.stderr);
    assert!(other.stdout.contains("only 1 of 6 listings verified"), "{}", other.stdout);
    assert!(other.stdout.contains("SKIPPED"), "{}", other.stdout);
    edited()
        .test_only(&["ch01-hello"])
        .fails_with(&["listings/ch01/hello/output.txt:", "cargo xtask bless ch01-hello"]);
}

#[test]
fn an_exercise_whose_tests_drift_from_its_solution_is_reported() {
    Fixture::tiny_book("exercise-drift")
        .replace("listings/ch01/ex-double/src/lib.rs", "double(21), 42", "double(20), 40")
        .test()
        .fails_with(&[
            "listings/ch01/ex-double/src/lib.rs:5:",
            "differ from those of its solution (listings/ch01/ex-double-solution/src/lib.rs)",
        ]);
}

#[test]
fn an_exercise_without_a_solution_is_reported() {
    Fixture::tiny_book("exercise-alone")
        .replace(
            "listings/ch01/ex-double-solution/Cargo.toml",
            "ch01-ex-double-solution",
            "ch01-ex-twice",
        )
        .test()
        .fails_with(&[
            "listings/ch01/ex-double/Cargo.toml:",
            "needs a solution crate `ch01-ex-double-solution`",
        ]);
}
