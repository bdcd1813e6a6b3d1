//! `cargo xtask pdf` on copies of `tests/fixtures/tiny-book`, printed by
//! the real headless Chromium: the PDF's outline is SUMMARY.md's pages, and
//! a page whose headings would break that fails, naming the page. Without
//! Chromium the tests say so and pass, except in CI, where they fail (CI
//! installs it; the `pdf` check prints the book itself).

mod harness;

use harness::Fixture;

fn have_chromium() -> bool {
    if xtask::browser::find_chromium().is_some() {
        return true;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(!in_ci, "CI must print the PDF: {}", xtask::pdf::MISSING_CHROMIUM);
    eprintln!("SKIPPED: {}", xtask::pdf::MISSING_CHROMIUM);
    false
}

#[test]
fn the_pdf_has_an_outline_of_the_summary_and_internal_links() {
    if !have_chromium() {
        return;
    }
    let root = Fixture::of("tiny-book", "pdf", "correct").write();
    let out = root.join("target/tiny.pdf");
    let outcome = harness::xtask(&root, &["pdf", "--out", out.to_str().unwrap()]);
    harness::succeeds(&outcome);
    assert!(
        outcome.stdout.contains("its outline: the 2 pages of SUMMARY.md"),
        "{}",
        outcome.stdout
    );

    let printed = xtask::pdf::read(&out).unwrap();
    assert_eq!(printed.outline, ["Basics", "Error index"]);
    assert!(printed.pages >= 2, "{printed:?}");
    // The error index links to its listings: links inside the PDF.
    assert!(printed.internal_links > 0, "{printed:?}");
    assert!(printed.file_links.is_empty(), "{printed:?}");
    assert!(printed.unresolved.is_empty(), "{printed:?}");
}

#[test]
fn a_page_with_a_second_title_breaks_the_outline_and_is_named() {
    if !have_chromium() {
        return;
    }
    let root = Fixture::of("tiny-book", "pdf", "second-title")
        .replace("src/ch01-basics.md", "## Hello", "# Hello")
        .write();
    let out = root.join("target/tiny.pdf");
    let outcome = harness::xtask(&root, &["pdf", "--out", out.to_str().unwrap()]);
    assert!(!outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stderr.contains("the PDF's outline entry 2 is \"Hello\"")
            && outcome.stderr.contains("src/appendix-errors.md"),
        "{}",
        outcome.stderr
    );
}
