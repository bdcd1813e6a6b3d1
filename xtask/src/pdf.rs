//! The whole book as one PDF: `cargo xtask pdf`, and the `pdf` check of
//! `cargo xtask test`.
//!
//! mdBook writes every chapter into one page, `print.html`. Headless
//! Chromium (Debian's `chromium`, or `$CHROMIUM`) prints it with
//! `--print-to-pdf`, which waits for the page's `load` event: every script of
//! the print page (mdBook's highlighting and code-block buttons, the theme's
//! scripts) runs synchronously before it, so the page is finished when it is
//! printed. `--generate-pdf-document-outline` turns the headings into the
//! PDF's outline (the table of contents in a viewer's sidebar: one top-level
//! entry per page of SUMMARY.md, its sections under it), and Chromium turns
//! the print page's `#fragment` links into links inside the PDF. The file is
//! then read back with `lopdf` to count its pages and compare its outline
//! with SUMMARY.md, so a PDF that lost its outline or its links fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use lopdf::{Document, Object};

use crate::book::{Entry, entries};
use crate::browser;
use crate::problems::Problems;
use crate::run::outcome::Report;

/// What to install when Chromium is missing.
pub const MISSING_CHROMIUM: &str = "Chromium was not found: install Debian's `chromium` \
     (apt-get install chromium), or set $CHROMIUM to a Chromium or Chrome executable";

/// How long a print may take before it is stopped (it takes about half a
/// minute on a 2-core machine).
const PRINT_TIMEOUT: Duration = Duration::from_secs(600);

/// What the printed PDF holds, as read back from the file.
#[derive(Debug)]
pub struct Printed {
    pub pages: usize,
    /// The outline's top-level titles, in order.
    pub outline: Vec<String>,
    /// Links to a place inside the PDF (the print page's `#fragment` links).
    pub internal_links: usize,
    /// Links that leave the PDF for a file: an internal link Chromium could
    /// not resolve (a `file:` URI), which would not work in a reader's copy.
    pub file_links: Vec<String>,
    /// Links to a named place the PDF does not define (its `/Dests`).
    pub unresolved: Vec<String>,
}

/// `cargo xtask pdf [--out FILE]`: builds the book into a private folder,
/// prints its print page, checks the result and says where it went.
pub fn pdf(root: &Path, out: Option<PathBuf>) -> Result<()> {
    let chromium = browser::find_chromium().context(MISSING_CHROMIUM)?;
    ensure!(
        chromium.is_file(),
        "$CHROMIUM is {}, which is not a file; point it at a Chromium or Chrome executable, \
         or unset it to use Debian's `chromium` (apt-get install chromium)",
        chromium.display()
    );
    let out = match out {
        Some(out) if out.is_absolute() => out,
        Some(out) => std::env::current_dir().context("reading the current folder")?.join(out),
        None => root.join("target").join("book.pdf"),
    };
    let started = Instant::now();
    eprintln!("building the book ...");
    let built = crate::book::build_private(root)?;
    ensure!(
        built.warnings == 0,
        "mdBook printed {} warning(s), shown above; fix them first (`cargo xtask test` names them)",
        built.warnings
    );
    eprintln!("printing print.html with {} ...", chromium.display());
    print(&chromium, &built.html_dir.join("print.html"), &out)?;
    let printed = read(&out)?;
    let entries = entries(root)?;
    let problems = compare(&printed, &entries);
    if !problems.is_empty() {
        bail!("{} was written, but:\n  {}", out.display(), problems.join("\n  "));
    }
    let shown = out.strip_prefix(root).unwrap_or(&out);
    println!(
        "wrote {}: {} pages; its outline: the {} pages of SUMMARY.md; {} internal links ({:.1} s)",
        shown.display(),
        printed.pages,
        printed.outline.len(),
        printed.internal_links,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The `pdf` check: the book `cargo xtask test` built, printed into a
/// temporary file and read back. Skipped, and said so, without Chromium,
/// except in CI, where that is a failure (.ci/run installs it).
pub fn check(root: &Path, html_dir: &Path) -> Report {
    let mut problems = Problems::default();
    let Some(chromium) = browser::find_chromium() else {
        if crate::in_ci() {
            problems.at("xtask/src/pdf.rs", format!("{MISSING_CHROMIUM}; CI must print the PDF"));
            return Report::ran("NOT RUN", problems);
        }
        eprintln!("warning: SKIPPING the PDF: {MISSING_CHROMIUM}");
        return Report::Skipped(format!("SKIPPED: {MISSING_CHROMIUM}; the PDF was not printed"));
    };
    let result = (|| -> Result<(Printed, Vec<Entry>, Duration, Duration)> {
        let dir = tempfile::Builder::new()
            .prefix("pdf-")
            .tempdir_in(html_dir.parent().unwrap_or(html_dir))
            .context("creating a folder for the PDF")?;
        let out = dir.path().join("book.pdf");
        let started = Instant::now();
        print(&chromium, &html_dir.join("print.html"), &out)?;
        let printing = started.elapsed();
        let printed = read(&out)?;
        Ok((printed, entries(root)?, printing, started.elapsed() - printing))
    })();
    match result {
        Ok((printed, entries, printing, reading)) => {
            for problem in compare(&printed, &entries) {
                problems.at("src/SUMMARY.md", problem);
            }
            Report::ran(
                format!(
                    "print.html printed by headless Chromium: {} pages, {} top-level outline \
                     entries matching SUMMARY.md, {} internal links (printed in {:.1} s, read \
                     in {:.1} s)",
                    printed.pages,
                    printed.outline.len(),
                    printed.internal_links,
                    printing.as_secs_f64(),
                    reading.as_secs_f64()
                ),
                problems,
            )
        }
        Err(err) => {
            problems.at("xtask/src/pdf.rs", format!("{err:#}"));
            Report::ran("could not print", problems)
        }
    }
}

/// Prints `print_html` into `out` with headless Chromium.
pub fn print(chromium: &Path, print_html: &Path, out: &Path) -> Result<()> {
    ensure!(print_html.is_file(), "{} is missing: mdBook did not write it", print_html.display());
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // Chromium prints "N bytes written to file"; an old file must not pass
    // for a new one.
    match std::fs::remove_file(out) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => bail!("removing the old {}: {err}", out.display()),
    }
    let without_dialog = without_print_dialog(print_html)?;
    // A profile of its own, so that two prints at once do not share one.
    let profile = tempfile::tempdir().context("creating a Chromium profile folder")?;
    let url = format!("file://{}", without_dialog.path().canonicalize()?.display());
    let child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Nothing the page asks for may leave the machine: every host
            // name fails to resolve (the page is a file; its fonts and
            // scripts are files beside it).
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", chromium.display()))?;
    let done = crate::timed::wait(child, PRINT_TIMEOUT, Duration::from_millis(100))?;
    if done.timed_out {
        bail!("{} did not finish printing in {PRINT_TIMEOUT:?}", chromium.display());
    }
    let status = done.status.expect("a child that did not time out exited");
    let said = format!("{}{}", done.stdout, done.stderr);
    let written = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    if !status.success() || written == 0 {
        bail!(
            "{} did not print {} ({status}; {written} bytes written); it said:\n{}",
            chromium.display(),
            print_html.display(),
            said.trim_end()
        );
    }
    Ok(())
}

/// mdBook's print.html opens the print dialog once it has loaded
/// (`window.print()`, 100 ms after `load`). In headless Chromium that races
/// with `--print-to-pdf`: when the dialog's print comes first, Chromium
/// exits 0 having written nothing (2 of 9 soak runs failed so; calling it
/// at `load` itself, 10 prints of 10 wrote nothing; without it, 0 of 30).
/// This writes a copy beside `print_html` (its links stay the same) without
/// that script, removed when the returned file is dropped.
fn without_print_dialog(print_html: &Path) -> Result<tempfile::NamedTempFile> {
    let html = std::fs::read_to_string(print_html)
        .with_context(|| format!("reading {}", print_html.display()))?;
    let html =
        remove_print_dialog(&html).with_context(|| format!("in {}", print_html.display()))?;
    let dir = print_html.parent().unwrap_or(Path::new("."));
    let mut copy = tempfile::Builder::new()
        .prefix("print-for-pdf-")
        .suffix(".html")
        .tempfile_in(dir)
        .with_context(|| format!("creating a copy of print.html in {}", dir.display()))?;
    std::io::Write::write_all(&mut copy, html.as_bytes())
        .with_context(|| format!("writing {}", copy.path().display()))?;
    Ok(copy)
}

/// `html` without the one `<script>` element that calls `window.print`;
/// an error when there is not exactly one (mdBook changed its template:
/// look at what it does now before printing without it).
fn remove_print_dialog(html: &str) -> Result<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = html[from..].find("<script>").map(|i| from + i) {
        let end = html[start..]
            .find("</script>")
            .map(|i| start + i + "</script>".len())
            .with_context(|| format!("a <script> at byte {start} is never closed"))?;
        if html[start..end].contains("window.print") {
            found.push(start..end);
        }
        from = end;
    }
    ensure!(
        found.len() == 1,
        "expected one inline <script> that calls window.print (mdBook's print dialog on load), \
         found {}",
        found.len()
    );
    let mut without = html.to_string();
    without.replace_range(found[0].clone(), "");
    Ok(without)
}

/// Reads a printed PDF: its pages, its outline's top level, its links.
pub fn read(pdf: &Path) -> Result<Printed> {
    let doc = Document::load(pdf).with_context(|| format!("reading the PDF {}", pdf.display()))?;
    let pages = doc.get_pages().len();
    let toc = doc
        .get_toc()
        .with_context(|| format!("{} has no outline (table of contents)", pdf.display()))?;
    ensure!(toc.errors.is_empty(), "{}'s outline: {}", pdf.display(), toc.errors.join("; "));
    let outline = toc.toc.into_iter().filter(|t| t.level == 1).map(|t| t.title).collect();

    // The named places links lead to: the print page's `id`s.
    let places: std::collections::HashSet<Vec<u8>> = doc
        .catalog()
        .and_then(|catalog| catalog.get_deref(b"Dests", &doc))
        .and_then(Object::as_dict)
        .map(|dests| dests.iter().map(|(name, _)| name.clone()).collect())
        .unwrap_or_default();
    let mut internal_links = 0;
    let mut file_links = Vec::new();
    let mut unresolved = Vec::new();
    for (_, page) in doc.get_pages() {
        for annotation in doc.get_page_annotations(page).unwrap_or_default() {
            if !annotation.get(b"Subtype").and_then(Object::as_name).is_ok_and(|s| s == b"Link") {
                continue;
            }
            if let Ok(dest) = annotation.get(b"Dest") {
                match dest {
                    Object::Name(name) | Object::String(name, _) if !places.contains(name) => {
                        unresolved.push(String::from_utf8_lossy(name).into_owned());
                    }
                    _ => internal_links += 1,
                }
                continue;
            }
            let Ok(action) = annotation.get_deref(b"A", &doc).and_then(Object::as_dict) else {
                continue;
            };
            match action.get(b"S").and_then(Object::as_name) {
                Ok(b"GoTo") => internal_links += 1,
                Ok(b"URI") => {
                    let uri = action.get(b"URI").and_then(Object::as_str).unwrap_or_default();
                    let uri = String::from_utf8_lossy(uri);
                    if uri.starts_with("file:") {
                        file_links.push(uri.into_owned());
                    }
                }
                _ => {}
            }
        }
    }
    Ok(Printed { pages, outline, internal_links, file_links, unresolved })
}

/// What is wrong with a printed PDF, against the book's pages.
pub fn compare(printed: &Printed, entries: &[Entry]) -> Vec<String> {
    let mut problems = Vec::new();
    if printed.pages < entries.len() {
        problems.push(format!(
            "the PDF has {} pages, fewer than the {} pages SUMMARY.md lists",
            printed.pages,
            entries.len()
        ));
    }
    for (i, entry) in entries.iter().enumerate() {
        let found = printed.outline.get(i).map(String::as_str);
        match (&entry.heading, found) {
            (None, _) => problems.push(format!(
                "{} (\"{}\") has no `# ` heading, so the PDF's outline has no entry for it",
                entry.source, entry.name
            )),
            (Some(want), Some(got)) if want == got => {}
            (Some(want), got) => problems.push(format!(
                "the PDF's outline entry {} is {:?}, but SUMMARY.md's entry {} is {} (\"{}\", \
                 heading \"{want}\")",
                i + 1,
                got.unwrap_or("missing"),
                i + 1,
                entry.source,
                entry.name
            )),
        }
    }
    if printed.outline.len() > entries.len() {
        problems.push(format!(
            "the PDF's outline has {} top-level entries more than SUMMARY.md's {} pages: {:?} \
             (a page with a second `# ` heading?)",
            printed.outline.len() - entries.len(),
            entries.len(),
            &printed.outline[entries.len()..]
        ));
    }
    if printed.internal_links == 0 {
        problems.push("the PDF has no internal links (the print page's links were lost)".into());
    }
    if !printed.unresolved.is_empty() {
        problems.push(format!(
            "{} link(s) in the PDF lead to places it does not have, e.g. #{}",
            printed.unresolved.len(),
            printed.unresolved[0]
        ));
    }
    if !printed.file_links.is_empty() {
        problems.push(format!(
            "{} link(s) in the PDF point at files instead of places in the PDF, e.g. {}",
            printed.file_links.len(),
            printed.file_links[0]
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::heading;

    #[test]
    fn only_the_script_that_opens_the_print_dialog_is_removed() {
        let html = "<script src=\"a.js\"></script>\n<script>\nlet x = 1;\n</script>\n\
                    <script>\nwindow.addEventListener('load', function() {\n    \
                    window.setTimeout(window.print, 100);\n});\n</script>\n</body>";
        assert_eq!(
            remove_print_dialog(html).unwrap(),
            "<script src=\"a.js\"></script>\n<script>\nlet x = 1;\n</script>\n\n</body>"
        );
    }

    #[test]
    fn a_template_without_or_with_two_print_dialogs_is_an_error() {
        let none = remove_print_dialog("<script>let x = 1;</script>").unwrap_err();
        assert!(none.to_string().contains("found 0"), "{none}");
        let two = "<script>window.print()</script><script>window.print()</script>";
        let two = remove_print_dialog(two).unwrap_err();
        assert!(two.to_string().contains("found 2"), "{two}");
        let open = remove_print_dialog("<script>window.print()").unwrap_err();
        assert!(open.to_string().contains("never closed"), "{open}");
    }

    fn entry(name: &str, heading: &str) -> Entry {
        Entry { name: name.into(), source: format!("src/{name}.md"), heading: Some(heading.into()) }
    }

    fn printed(outline: &[&str]) -> Printed {
        Printed {
            pages: 10,
            outline: outline.iter().map(|s| s.to_string()).collect(),
            internal_links: 3,
            file_links: Vec::new(),
            unresolved: Vec::new(),
        }
    }

    #[test]
    fn headings_lose_their_code_marks() {
        assert_eq!(
            heading("intro\n# The `Future` trait\n## x").as_deref(),
            Some("The Future trait")
        );
        assert_eq!(heading("## only a section"), None);
    }

    #[test]
    fn an_outline_that_matches_passes_and_one_that_differs_names_the_entry() {
        let entries = [entry("one", "One"), entry("two", "Two")];
        assert!(compare(&printed(&["One", "Two"]), &entries).is_empty());

        let problems = compare(&printed(&["One"]), &entries);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("entry 2 is \"missing\""), "{problems:?}");
        assert!(problems[0].contains("src/two.md"), "{problems:?}");

        let problems = compare(&printed(&["One", "Two", "Three"]), &entries);
        assert!(problems[0].contains("\"Three\""), "{problems:?}");
    }

    #[test]
    fn too_few_pages_or_links_to_files_or_to_nowhere_fail() {
        let entries = [entry("one", "One")];
        let mut short = printed(&["One"]);
        short.pages = 0;
        short.file_links.push("file:///tmp/print.html#x".into());
        short.unresolved.push("nowhere".into());
        let problems = compare(&short, &entries);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[1].contains("#nowhere"), "{problems:?}");
    }
}
