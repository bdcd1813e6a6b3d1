//! `cargo xtask test` on small fixture books: a clean book passes, and each
//! kind of mistake fails with a message that says what is wrong and where.
//!
//! Each test copies `tests/fixtures/tiny-book`, breaks one thing, and runs
//! the real xtask binary on the copy (the shared harness in `harness/`).

mod harness;

use harness::Fixture;

#[test]
fn a_correct_book_passes() {
    let outcome = Fixture::tiny_book("correct").test();
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(outcome.stdout.contains("outputs   2 compared"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains("errors    2 compared"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains(", 0 failed"), "{}", outcome.stdout);
}

/// A pass is reused only on exactly the same inputs: a second run of an
/// unchanged book does not run `outputs` again, and says so; an edited
/// expected output runs it again, and it fails; `--no-cache` runs it.
#[test]
fn a_pass_is_reused_only_on_unchanged_inputs() {
    let reused = "outputs   not run again, passed ";
    let root = Fixture::tiny_book("reused").write();
    // No records from an earlier run of this test.
    let _ = std::fs::remove_dir_all(root.join("target/xtask-cache"));

    let first = harness::xtask_test_reusing_passes(&root);
    harness::succeeds(&first);
    assert!(first.stdout.contains("outputs   2 compared"), "{}", first.stdout);
    assert!(!first.stdout.contains("not run again"), "{}", first.stdout);

    let second = harness::xtask_test_reusing_passes(&root);
    harness::succeeds(&second);
    assert!(second.stdout.contains(reused), "{}", second.stdout);
    assert!(second.stdout.contains("on the same inputs: 2 compared"), "{}", second.stdout);
    assert!(second.stdout.contains("`cargo xtask test --no-cache` runs them"), "{}", second.stdout);
    assert!(second.stdout.contains("errors    2 compared"), "quick checks run: {}", second.stdout);

    let all = harness::xtask(&root, &["test"]);
    harness::succeeds(&all);
    assert!(all.stdout.contains("outputs   2 compared"), "--no-cache: {}", all.stdout);

    let edited = Fixture::tiny_book("reused")
        .replace("listings/ch01/hello/output.txt", "from the fixture", "from a fixture")
        .write();
    let third = harness::xtask_test_reusing_passes(&edited);
    third.fails_with(&["listings/ch01/hello/output.txt:", "differs from what the book shows"]);
    assert!(!third.stdout.contains(reused), "{}", third.stdout);
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

#[test]
fn an_exercise_with_one_hint_or_a_placeholder_is_reported() {
    Fixture::tiny_book("exercise-one-hint")
        .replace("listings/ch01/ex-double/hints.md", "## Hint 2\n", "")
        .test()
        .fails_with(&[
            "listings/ch01/ex-double/hints.md:",
            "an exercise has 2 or 3 hints",
            "this file has 1",
        ]);
    Fixture::tiny_book("exercise-hint-placeholder")
        .replace(
            "listings/ch01/ex-double/hints.md",
            "Return `n * 2`",
            "TODO: the shape of the approach. Return `n * 2`",
        )
        .test()
        .fails_with(&[
            "listings/ch01/ex-double/hints.md:5:",
            "hint 2 still holds the template's TODO: write the hint",
        ]);
}

#[test]
fn a_page_showing_a_machines_path_or_thread_id_is_reported() {
    // The comparison accepts it (the id is normalized away on both sides),
    // but the page would show it.
    Fixture::tiny_book("machine-specific")
        .replace(
            "listings/ch01/boom/stderr.txt",
            "thread 'main' panicked",
            "thread 'main' (13038) panicked",
        )
        .test()
        .fails_with(&[
            "book/ch01-basics.html:",
            "shows `thread 'main' (13038)`",
            "listings/ch01/boom/stderr.txt:2",
            "cargo xtask bless",
        ]);
}

#[test]
fn a_home_folder_in_a_chapter_is_reported_at_its_line() {
    Fixture::tiny_book("home-folder")
        .replace("src/ch01-basics.md", "## Adder", "See `/home/ada/.cargo/bin`.\n\n## Adder")
        .test()
        .fails_with(&["book/ch01-basics.html:", "shows `/home/ada/`", "src/ch01-basics.md:47"]);
}

#[test]
fn a_chart_that_its_data_no_longer_draws_or_that_is_missing_is_reported() {
    // ch01-hello prints a small table and declares two charts of it: one
    // committed, but drawn from the table before an edit; one never drawn.
    let table = |threads: &str| {
        format!(
            "kind count bytes\ntasks 1 10\ntasks 10 20\nthreads 1 {threads}\nthreads 10 not run: over the cap of 1\n"
        )
    };
    let declaration = r#"
[[chart]]
svg = "src/img/ch01-hello.svg"
title = "Bytes"
x = "count"
x-title = "spawned"
series = ["tasks", "threads"]
panels = [{ y = "bytes", title = "Bytes each", unit = "bytes" }]

[[chart]]
svg = "src/img/ch01-never-drawn.svg"
title = "Bytes"
x = "count"
x-title = "spawned"
series = ["tasks"]
panels = [{ y = "bytes", title = "Bytes each", unit = "bytes" }]
"#;
    let first = &xtask::chart::declarations(declaration).unwrap()[0];
    let stale = xtask::chart::render(first, &table("30")).unwrap();
    let outcome = Fixture::tiny_book("stale-chart")
        .replace(
            "listings/ch01/hello/src/main.rs",
            "    println!(\"hello\");\n    println!(\"from the fixture\");\n",
            &format!("    print!(\"{}\");\n", table("40").escape_default()),
        )
        .replace("listings/ch01/hello/output.txt", "hello\nfrom the fixture\n", &table("40"))
        .add("listings/ch01/hello/chart.toml", declaration)
        .add("src/img/ch01-hello.svg", &stale)
        .test();
    outcome.fails_with(&[
        "src/img/ch01-hello.svg:",
        "is not what listings/ch01/hello/output.txt draws",
        "cargo xtask bless ch01-hello",
    ]);
    outcome.says(&[
        "src/img/ch01-never-drawn.svg:",
        "missing: listings/ch01/hello/chart.toml declares this chart",
        "cargo xtask bless ch01-hello",
    ]);
}

/// The error index (Appendix A) is generated: a new does-not-compile
/// listing, shown in its chapter, gets its entry with no edit to the page.
#[test]
fn a_new_does_not_compile_listing_adds_its_error_index_entry() {
    let manifest = "[package]\nname = \"ch01-mismatch-again\"\nversion = \"0.1.0\"\n\
         edition.workspace = true\npublish.workspace = true\n\n\
         [package.metadata.book]\nkind = \"does-not-compile\"\nerror = \"E0308\"\n\
         fixed-by = \"ch01-adder\"\ncause = \"The fixture's second mismatch, added by a test.\"\n\n\
         [features]\ndoes-not-compile = []\n\n\
         [[bin]]\nname = \"ch01-mismatch-again\"\npath = \"src/main.rs\"\n\
         required-features = [\"does-not-compile\"]\n";
    let source = "fn main() {\n    let count: u32 = \"four\";\n    println!(\"{count}\");\n}\n";
    // What the compiler prints for it: the first mismatch's message, at
    // the new listing's path (the same source, so the same message).
    let stderr = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/tiny-book/listings/ch01/mismatch/stderr.txt"),
    )
    .unwrap()
    .replace("listings/ch01/mismatch/", "listings/ch01/mismatch-again/");
    let root = Fixture::tiny_book("error-index-entry")
        .add("listings/ch01/mismatch-again/Cargo.toml", manifest)
        .add("listings/ch01/mismatch-again/src/main.rs", source)
        .add("listings/ch01/mismatch-again/stderr.txt", &stderr)
        .replace(
            "src/ch01-basics.md",
            "## Adder",
            "## Mismatch again\n\n<Listing caption=\"Does not compile either\">\n\n```rust\n\
             {{#rustdoc_include ../listings/ch01/mismatch-again/src/main.rs}}\n```\n\n\
             </Listing>\n\n## Adder",
        )
        .write();
    harness::succeeds(&harness::xtask(&root, &["test"]));
    // `xtask test` checks its own private copy of the book; `xtask build`
    // writes the one a reader opens, in `book/`.
    harness::succeeds(&harness::xtask(&root, &["build"]));
    let page = std::fs::read_to_string(root.join("book/appendix-errors.html")).unwrap();
    // Both E0308 listings are entries under the code, each with its
    // message, its cause, and links to it and to its fix.
    assert!(page.contains("<h3 id=\"e0308\">"), "{page}");
    assert_eq!(page.matches("error[E0308]: mismatched types").count(), 2, "{page}");
    assert!(page.contains("--&gt; listings/ch01/mismatch-again/src/main.rs:2:22"), "{page}");
    // (mdBook curls the apostrophe of "fixture's".)
    assert!(page.contains("second mismatch, added by a test."), "{page}");
    assert!(page.contains("href=\"ch01-basics.html#listing-1-4\""), "{page}");
    assert!(page.contains("<code>ch01-mismatch-again</code>"), "{page}");
    assert!(page.contains("<code>ch01-adder</code>"), "{page}");
    // mdBook's search index holds the entry's text, so a pasted message finds it.
    let index = std::fs::read_dir(root.join("book"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("searchindex") && name.ends_with(".js")
        })
        .expect("the book has a search index");
    let search = std::fs::read_to_string(index).unwrap();
    assert!(search.contains("The fixture"), "the search index lacks the entry's cause");
    assert!(search.contains("mismatch-again"), "the search index lacks the entry");
}

#[test]
fn a_fixed_by_that_points_nowhere_is_named_with_its_line() {
    Fixture::tiny_book("fixed-by-nowhere")
        .replace(
            "listings/ch01/mismatch/Cargo.toml",
            "fixed-by = \"ch01-hello\"",
            "fixed-by = \"ch01-helo\"",
        )
        .test()
        .fails_with(&[
            "listings/ch01/mismatch/Cargo.toml:10:",
            "fixed-by = \"ch01-helo\" names no listing of the book",
        ]);
}

#[test]
fn a_fix_that_does_not_pass_itself_is_rejected() {
    Fixture::tiny_book("fixed-by-an-error")
        .replace(
            "listings/ch01/mismatch/Cargo.toml",
            "fixed-by = \"ch01-hello\"",
            "fixed-by = \"ch01-boom\"",
        )
        .test()
        .fails_with(&[
            "listings/ch01/mismatch/Cargo.toml:10:",
            "names a `panics` listing, which does not pass itself",
        ]);
}

#[test]
fn an_error_listing_without_a_fix_is_told_what_to_add() {
    Fixture::tiny_book("fixed-by-missing")
        .replace("listings/ch01/boom/Cargo.toml", "fixed-by = \"ch01-hello\"\n", "")
        .test()
        .fails_with(&[
            "listings/ch01/boom/Cargo.toml:7:",
            "must declare `fixed-by`",
            "add fixed-by = \"chNN-name\"",
        ]);
}
