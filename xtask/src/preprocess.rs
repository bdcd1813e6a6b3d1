//! The `listings` mdBook preprocessor: numbers, captions and run commands.
//!
//! A chapter wraps each listing in a `<Listing>` block:
//!
//! ````markdown
//! <Listing caption="Counting with an `async fn`">
//!
//! ```rust
//! {{#rustdoc_include ../listings/ch02/count-to/src/main.rs:main}}
//! ```
//!
//! </Listing>
//! ````
//!
//! and refers to a listing by its package name: `{{listing ch02-count-to}}`.
//! The preprocessor numbers listings per chapter (`Listing 2-1`), gives each
//! an id to link to (`#listing-2-1`), shows the file it comes from and the
//! command that runs it, and turns every reference into a link. Which crate a
//! block shows is read from its first include, so nothing is written twice.
//!
//! It runs before mdBook's `links` preprocessor, while the include paths are
//! still visible. `cargo xtask build` runs it in-process; a plain `mdbook
//! build` runs it as a command (see book.toml).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::Regex;

use crate::error_index;
use crate::kinds::PageRun;
use crate::listings::{self, Listing};
use crate::problems::Problems;

pub const NAME: &str = "listings";

pub struct ListingsPreprocessor;

impl Preprocessor for ListingsPreprocessor {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let (listings, problems) = listings::discover(&ctx.root)?;
        problems.into_result("listing declarations")?;

        // First pass: number every listing block, so references can point
        // forward and across chapters.
        let mut problems = Problems::default();
        let mut numbered: HashMap<String, Target> = HashMap::new();
        let mut blocks_per_chapter: HashMap<PathBuf, Vec<Block>> = HashMap::new();
        // Numbers run on through a chapter's sub-pages (its solutions page),
        // so "Listing 2-7" is one listing, wherever it is shown.
        let mut next_in_chapter: HashMap<u32, usize> = HashMap::new();
        for item in book.iter() {
            let BookItem::Chapter(chapter) = item else { continue };
            let Some(path) = &chapter.path else { continue };
            let source = source_name(&ctx.config.book.src, chapter);
            let scan = scan_chapter(&ctx.root, &src_dir, &source, path, &chapter.content);
            problems.extend(scan.problems);
            if scan.blocks.is_empty() {
                continue;
            }
            let Some(number) = chapter.number.as_ref().and_then(|n| n.first().copied()) else {
                problems.at(
                    &source,
                    "listings are numbered by chapter, so they can only appear in numbered chapters",
                );
                continue;
            };
            let mut blocks = scan.blocks;
            for block in blocks.iter_mut() {
                // listings/ch02/... belongs to chapter 2: a reader looking for
                // Listing 2-3's crate finds it where the number says.
                let folder = block.package.split('-').next().unwrap_or_default();
                if folder.strip_prefix("ch").and_then(|n| n.parse::<u32>().ok()) != Some(number) {
                    problems.at_line(
                        &source,
                        block.start,
                        format!(
                            "this listing shows {}, but listings of chapter {number} live in listings/ch{number:02}/",
                            block.file
                        ),
                    );
                }
                let next = next_in_chapter.entry(number).or_insert(1);
                block.number = format!("{number}-{next}");
                *next += 1;
                numbered.entry(block.package.clone()).or_insert_with(|| Target {
                    chapter: path.clone(),
                    number: block.number.clone(),
                });
            }
            blocks_per_chapter.insert(path.clone(), blocks);
        }
        let by_package: HashMap<&str, &Listing> =
            listings.iter().map(|l| (l.package.as_str(), l)).collect();
        // The error index's entries, read once (error_index.rs).
        let entries: Vec<_> =
            listings.iter().filter_map(|l| error_index::entry(l, &mut problems)).collect();

        // Second pass: rewrite each chapter.
        book.for_each_chapter_mut(|chapter| {
            let Some(path) = chapter.path.clone() else { return };
            let source = source_name(&ctx.config.book.src, chapter);
            let blocks = blocks_per_chapter.remove(&path).unwrap_or_default();
            chapter.content = render(
                &chapter.content,
                &path,
                &source,
                &blocks,
                &numbered,
                &by_package,
                &mut problems,
            );
            if chapter.content.lines().any(|line| line.trim() == error_index::DIRECTIVE) {
                let link = |package: &str| {
                    numbered.get(package).map(|target| {
                        let href = relative_link(&path, &target.chapter);
                        format!("[Listing {}]({href}#listing-{})", target.number, target.number)
                    })
                };
                let index = error_index::render(&entries, link, &source, &mut problems);
                chapter.content = chapter
                    .content
                    .lines()
                    .map(|line| {
                        if line.trim() == error_index::DIRECTIVE {
                            index.clone()
                        } else {
                            format!("{line}\n")
                        }
                    })
                    .collect();
            }
        });
        problems.into_result("listings preprocessor")?;
        Ok(book)
    }
}

/// Where a listing is shown first.
struct Target {
    chapter: PathBuf,
    number: String,
}

/// A `<Listing>` block found in a chapter.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based lines of the opening and closing tags.
    pub start: usize,
    pub end: usize,
    pub caption: String,
    /// The first included file, relative to the book root.
    pub file: String,
    /// The package name derived from `file`.
    pub package: String,
    /// Filled in when numbering: `2-3`.
    pub number: String,
}

/// An include directive: `{{#include path:anchor}}` and its kin.
#[derive(Debug, Clone)]
pub struct Include {
    pub line: usize,
    /// The path as written.
    pub written: String,
    /// The path resolved against the chapter, relative to the book root.
    pub resolved: PathBuf,
    /// The part after `:`, if any: an anchor name or a line range.
    pub selector: Option<String>,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub blocks: Vec<Block>,
    pub includes: Vec<Include>,
    pub problems: Problems,
}

pub fn include_regex() -> Regex {
    Regex::new(r"\{\{\s*#(include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}").unwrap()
}

fn reference_regex() -> Regex {
    Regex::new(r"\{\{listing\s+([A-Za-z0-9_-]+)\s*\}\}").unwrap()
}

/// A `<Listing>` block being read: its line, its caption, and the first
/// listing file it includes with that file's package.
type OpenBlock = (usize, String, Option<(String, String)>);

/// Reads a chapter's listing blocks and includes. `source` names the file
/// in messages; `chapter_path` is its path inside `src/`.
pub fn scan_chapter(
    root: &Path,
    src_dir: &Path,
    source: &str,
    chapter_path: &Path,
    content: &str,
) -> Scan {
    let include_re = include_regex();
    let caption_re = Regex::new(r#"caption="([^"]*)""#).unwrap();
    let chapter_dir =
        src_dir.join(chapter_path).parent().map(Path::to_path_buf).unwrap_or_default();
    let mut scan = Scan::default();
    let mut open: Option<OpenBlock> = None;

    for (index, line) in content.lines().enumerate() {
        let line_no = index + 1;
        for capture in include_re.captures_iter(line) {
            let spec = &capture[2];
            let (written, selector) = match spec.split_once(':') {
                Some((path, selector)) => (path.to_string(), Some(selector.to_string())),
                None => (spec.to_string(), None),
            };
            let resolved = lexical_relative(root, &chapter_dir.join(&written));
            if let Some((_, _, first)) = &mut open
                && first.is_none()
                && let Some(package) = package_of(&resolved)
            {
                *first = Some((to_slash(&resolved), package));
            }
            scan.includes.push(Include { line: line_no, written, resolved, selector });
        }

        let trimmed = line.trim();
        if trimmed.starts_with("<Listing") {
            if let Some((start, ..)) = &open {
                scan.problems.at_line(
                    source,
                    line_no,
                    format!(
                        "<Listing> opened here, but the one opened on line {start} is not closed"
                    ),
                );
            }
            let caption = match caption_re.captures(trimmed) {
                Some(c) => c[1].to_string(),
                None => {
                    scan.problems.at_line(source, line_no, "<Listing> needs a caption=\"...\"");
                    String::new()
                }
            };
            open = Some((line_no, caption, None));
        } else if trimmed == "</Listing>" {
            match open.take() {
                Some((start, caption, Some((file, package)))) => scan.blocks.push(Block {
                    start,
                    end: line_no,
                    caption,
                    file,
                    package,
                    number: String::new(),
                }),
                Some((start, ..)) => scan.problems.at_line(
                    source,
                    start,
                    "this <Listing> includes no file from a listing crate (listings/<chapter>/<name>/...)",
                ),
                None => scan.problems.at_line(source, line_no, "</Listing> without an opening <Listing>"),
            }
        }
    }
    if let Some((start, ..)) = open {
        scan.problems.at_line(source, start, "<Listing> is never closed with </Listing>");
    }
    scan
}

/// `listings/ch02/count-to/src/main.rs` → `ch02-count-to`.
pub fn package_of(path: &Path) -> Option<String> {
    crate::kinds::naming::package_of_file(&to_slash(path))
}

fn render(
    content: &str,
    chapter_path: &Path,
    source: &str,
    blocks: &[Block],
    numbered: &HashMap<String, Target>,
    by_package: &HashMap<&str, &Listing>,
    problems: &mut Problems,
) -> String {
    let reference_re = reference_regex();
    let exercises = checked_packages(numbered, by_package);
    let mut out = String::with_capacity(content.len() + blocks.len() * 300);
    let mut blocks = blocks.iter().peekable();

    for (index, line) in content.lines().enumerate() {
        let line_no = index + 1;
        if let Some(&block) = blocks.peek() {
            if block.start == line_no {
                let Some(listing) = by_package.get(block.package.as_str()) else {
                    problems.at_line(
                        source,
                        line_no,
                        format!(
                            "this listing shows {}, which is not a crate of the workspace",
                            block.file
                        ),
                    );
                    out.push_str(line);
                    out.push('\n');
                    continue;
                };
                out.push_str(&opening_html(block, listing, &exercises));
                continue;
            }
            if block.end == line_no {
                out.push_str("\n</figure>\n");
                // An exercise's hints go under its starter (hints.rs), after
                // the last part of it that the page shows. Their problems
                // (none yet, the template's TODOs) are the `sources` check's
                // to report: `serve` still shows a half-written exercise.
                let last_part = blocks.clone().skip(1).all(|b| b.package != block.package);
                if let Some(listing) = by_package.get(block.package.as_str())
                    && listing.kind.rules().solution.is_some()
                    && last_part
                    && let (hints, _) = crate::hints::read(listing)
                    && !hints.is_empty()
                {
                    out.push('\n');
                    out.push_str(&crate::hints::html(&block.number, &hints));
                }
                blocks.next();
                continue;
            }
        }

        let mut failed = false;
        let replaced = reference_re.replace_all(line, |caps: &regex::Captures<'_>| {
            let package = &caps[1];
            match numbered.get(package) {
                Some(target) => {
                    let href = if target.chapter == chapter_path {
                        String::new()
                    } else {
                        relative_link(chapter_path, &target.chapter)
                    };
                    format!("[Listing {}]({href}#listing-{})", target.number, target.number)
                }
                None => {
                    failed = true;
                    problems.at_line(
                        source,
                        line_no,
                        format!("{{{{listing {package}}}}} names no listing shown in the book"),
                    );
                    caps[0].to_string()
                }
            }
        });
        // A reference broken over two lines, or misspelled, would reach the
        // reader as raw text.
        if !failed && replaced.contains("{{listing") {
            problems.at_line(
                source,
                line_no,
                "`{{listing` is not followed by a package name and `}}` on the same line: \
                 write {{listing chNN-name}} on one line",
            );
        }
        out.push_str(&replaced);
        out.push('\n');
    }
    out
}

/// The packages the page offers Check on (`PageRun::Check`: the exercises),
/// of the listings shown in the book, sorted and space-separated: the list
/// a page counts the reader's progress against.
fn checked_packages(
    numbered: &HashMap<String, Target>,
    by_package: &HashMap<&str, &Listing>,
) -> String {
    let mut packages: Vec<&str> = by_package
        .values()
        .filter(|l| l.kind.rules().page == PageRun::Check && numbered.contains_key(&l.package))
        .map(|l| l.package.as_str())
        .collect();
    packages.sort_unstable();
    packages.join(" ")
}

fn opening_html(block: &Block, listing: &Listing, exercises: &str) -> String {
    let id = format!("listing-{}", block.number);
    // What the page script may do with the listing (ARCHITECTURE.md,
    // "Invariants and contracts"): it reads these, never the kind.
    let page = listing.kind.rules().page;
    let why_not = match page {
        PageRun::Not(why) => format!(" data-run-none=\"{}\"", html_escape(why)),
        PageRun::Check => format!(" data-exercises=\"{}\"", html_escape(exercises)),
        _ => String::new(),
    };
    format!(
        "<figure class=\"listing\" id=\"{id}\" data-package=\"{package}\" data-kind=\"{kind}\" \
         data-run=\"{run}\"{why_not}>\n\
         <figcaption><a class=\"listing-number\" href=\"#{id}\">Listing {number}</a>: {caption}</figcaption>\n\
         <div class=\"listing-meta\"><span class=\"listing-file\">{file}</span>\
         <code class=\"listing-command\">{command}</code></div>\n\n",
        package = listing.package,
        kind = listing.kind,
        run = page.attribute(),
        number = block.number,
        caption = inline_markdown(&block.caption),
        file = html_escape(&block.file),
        command = html_escape(&listing.command()),
    )
}

/// Renders a caption's inline Markdown (`code`, *emphasis*) to HTML.
fn inline_markdown(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    let html = html.trim();
    let html = html.strip_prefix("<p>").unwrap_or(html);
    html.strip_suffix("</p>").unwrap_or(html).to_string()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A link from one chapter to another, both given relative to `src/`.
fn relative_link(from: &Path, to: &Path) -> String {
    let from_dir: Vec<_> = from.parent().map(|p| p.components().collect()).unwrap_or_default();
    let to_parts: Vec<_> = to.components().collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut link = PathBuf::new();
    for _ in common..from_dir.len() {
        link.push("..");
    }
    for part in &to_parts[common..] {
        link.push(part);
    }
    to_slash(&link)
}

/// `dir/../x` → `x`, without touching the file system, relative to `root`.
pub fn lexical_relative(root: &Path, path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if matches!(parts.last(), Some(Component::Normal(_))) {
                    parts.pop();
                } else {
                    parts.push(component);
                }
            }
            Component::CurDir => {}
            other => parts.push(other),
        }
    }
    let normal: PathBuf = parts.iter().collect();
    normal.strip_prefix(root).map(Path::to_path_buf).unwrap_or(normal)
}

pub fn to_slash(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The chapter's file as a contributor knows it: `src/ch02-basics.md`.
fn source_name(src: &Path, chapter: &Chapter) -> String {
    let path = chapter.source_path.as_ref().or(chapter.path.as_ref());
    match path {
        Some(path) => to_slash(&src.join(path)),
        None => chapter.name.clone(),
    }
}

/// `mdbook build` calls us as a command: `supports <renderer>` first, then
/// the book as JSON on stdin.
pub fn run_as_mdbook_command() -> Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(std::io::stdin())?;
    if ctx.mdbook_version.split('.').take(2).collect::<Vec<_>>() != ["0", "5"] {
        bail!(
            "this preprocessor was written for mdBook 0.5, but is run by mdBook {}",
            ctx.mdbook_version
        );
    }
    let book = ListingsPreprocessor.run(&ctx, book)?;
    serde_json::to_writer(std::io::stdout(), &book)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Kind;
    use std::fs;

    #[test]
    fn package_comes_from_the_crate_folder() {
        assert_eq!(
            package_of(Path::new("listings/ch02/count-to/src/main.rs")).as_deref(),
            Some("ch02-count-to")
        );
        assert_eq!(package_of(Path::new("listings/ch02/count-to")), None);
        assert_eq!(package_of(Path::new("src/img/x.svg")), None);
    }

    #[test]
    fn links_between_chapters_are_relative() {
        assert_eq!(relative_link(Path::new("a.md"), Path::new("b.md")), "b.md");
        assert_eq!(relative_link(Path::new("part/a.md"), Path::new("b.md")), "../b.md");
        assert_eq!(relative_link(Path::new("a.md"), Path::new("part/b.md")), "part/b.md");
    }

    const CHAPTER: &str = "# Basics\n\n\
<Listing caption=\"Says `hello`\">\n\n\
```rust\n{{#rustdoc_include ../listings/ch01/hello/src/main.rs:all}}\n```\n\n\
</Listing>\n\n\
{{listing ch01-hello}} prints:\n\n\
```text\n{{#include ../listings/ch01/hello/output.txt}}\n```\n";

    fn listing(package: &str, kind: Kind) -> Listing {
        Listing {
            package: package.to_string(),
            dir: PathBuf::from("/book/listings/ch01/hello"),
            rel_dir: "listings/ch01/hello".to_string(),
            kind,
            args: Vec::new(),
            normalize: Vec::new(),
            error: None,
            panic: None,
            timing: None,
            fixed_by: None,
            cause: None,
            shows: None,
            bin: Some(package.to_string()),
            book_line: 0,
            fixed_by_line: 0,
        }
    }

    #[test]
    fn the_scanner_finds_blocks_and_includes_with_their_lines() {
        let root = Path::new("/book");
        let scan =
            scan_chapter(root, &root.join("src"), "src/ch01.md", Path::new("ch01.md"), CHAPTER);
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        let blocks: Vec<_> = scan
            .blocks
            .iter()
            .map(|b| (b.start, b.end, b.caption.as_str(), b.file.as_str(), b.package.as_str()))
            .collect();
        assert_eq!(
            blocks,
            [(3, 9, "Says `hello`", "listings/ch01/hello/src/main.rs", "ch01-hello")]
        );
        let includes: Vec<_> = scan
            .includes
            .iter()
            .map(|i| (i.line, to_slash(&i.resolved), i.selector.as_deref()))
            .collect();
        assert_eq!(
            includes,
            [
                (6, "listings/ch01/hello/src/main.rs".to_string(), Some("all")),
                (14, "listings/ch01/hello/output.txt".to_string(), None),
            ]
        );
    }

    #[test]
    fn the_scanner_reports_unbalanced_and_empty_blocks() {
        let root = Path::new("/book");
        let chapter = "<Listing>\n</Listing>\n</Listing>\n<Listing caption=\"x\">\n";
        let scan =
            scan_chapter(root, &root.join("src"), "src/ch01.md", Path::new("ch01.md"), chapter);
        let found: Vec<String> = scan.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "src/ch01.md:1: <Listing> needs a caption=\"...\"",
                "src/ch01.md:1: this <Listing> includes no file from a listing crate (listings/<chapter>/<name>/...)",
                "src/ch01.md:3: </Listing> without an opening <Listing>",
                "src/ch01.md:4: <Listing> is never closed with </Listing>",
            ]
        );
    }

    /// A snapshot of what the renderer writes: the HTML contract that
    /// theme/playground.js and listings.css read (ARCHITECTURE.md).
    #[test]
    fn the_renderer_writes_the_figure_and_resolves_references() {
        let root = Path::new("/book");
        let mut scan =
            scan_chapter(root, &root.join("src"), "src/ch01.md", Path::new("ch01.md"), CHAPTER);
        scan.blocks[0].number = "1-1".to_string();
        let numbered = HashMap::from([(
            "ch01-hello".to_string(),
            Target { chapter: PathBuf::from("ch01.md"), number: "1-1".to_string() },
        )]);
        let hello = listing("ch01-hello", Kind::Runs);
        let by_package = HashMap::from([("ch01-hello", &hello)]);
        let mut problems = Problems::default();
        let html = render(
            CHAPTER,
            Path::new("ch01.md"),
            "src/ch01.md",
            &scan.blocks,
            &numbered,
            &by_package,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            html,
            "# Basics\n\n\
<figure class=\"listing\" id=\"listing-1-1\" data-package=\"ch01-hello\" data-kind=\"runs\" data-run=\"program\">\n\
<figcaption><a class=\"listing-number\" href=\"#listing-1-1\">Listing 1-1</a>: Says <code>hello</code></figcaption>\n\
<div class=\"listing-meta\"><span class=\"listing-file\">listings/ch01/hello/src/main.rs</span>\
<code class=\"listing-command\">cargo run -p ch01-hello</code></div>\n\n\
\n```rust\n{{#rustdoc_include ../listings/ch01/hello/src/main.rs:all}}\n```\n\n\
\n</figure>\n\n\
[Listing 1-1](#listing-1-1) prints:\n\n\
```text\n{{#include ../listings/ch01/hello/output.txt}}\n```\n"
        );
    }

    #[test]
    fn a_server_listing_says_on_the_page_why_it_does_not_run() {
        let block = Block {
            start: 1,
            end: 2,
            caption: "A server".into(),
            file: "listings/ch01/hello/src/main.rs".into(),
            package: "ch01-echo".into(),
            number: "1-2".into(),
        };
        let html = opening_html(&block, &listing("ch01-echo", Kind::Serves), "");
        assert!(
            html.contains(
                " data-kind=\"serves\" data-run=\"none\" data-run-none=\"This listing is a server"
            ),
            "{html}"
        );
        assert!(html.contains("<code class=\"listing-command\">cargo test -p ch01-echo</code>"));
    }

    /// An exercise shown in two parts (its code, then its tests) gets its
    /// hints once, under the last part; a listing of another kind gets none.
    #[test]
    fn an_exercise_gets_its_hints_under_its_last_part() {
        let dir = crate::files::temp_dir("hints-").unwrap();
        let hints = "## Hint 1\n\nLook at `spawn`.\n\n## Hint 2\n\nKeep the handles.\n";
        fs::write(dir.path().join("hints.md"), hints).unwrap();
        let chapter = "<Listing caption=\"Code\">\n\n\
            {{#rustdoc_include ../listings/ch01/ex-x/src/main.rs:exercise}}\n\n</Listing>\n\n\
            <Listing caption=\"Tests\">\n\n\
            {{#rustdoc_include ../listings/ch01/ex-x/src/main.rs:tests}}\n\n</Listing>\n\n\
            <Listing caption=\"Other\">\n\n\
            {{#rustdoc_include ../listings/ch01/hello/src/main.rs:all}}\n\n</Listing>\n";
        let root = Path::new("/book");
        let mut scan =
            scan_chapter(root, &root.join("src"), "src/ch01.md", Path::new("ch01.md"), chapter);
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        for (block, number) in scan.blocks.iter_mut().zip(["1-1", "1-2", "1-3"]) {
            block.number = number.to_string();
        }
        let mut exercise = listing("ch01-ex-x", Kind::Exercise);
        exercise.dir = dir.path().to_path_buf();
        exercise.rel_dir = "listings/ch01/ex-x".to_string();
        let hello = listing("ch01-hello", Kind::Runs);
        let by_package = HashMap::from([("ch01-ex-x", &exercise), ("ch01-hello", &hello)]);
        let mut problems = Problems::default();
        let html = render(
            chapter,
            Path::new("ch01.md"),
            "src/ch01.md",
            &scan.blocks,
            &HashMap::new(),
            &by_package,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(html.matches("<section class=\"hints\"").count(), 1, "{html}");
        let (before, after) = html.split_once("<section class=\"hints\" id=\"hints-1-2\"").unwrap();
        assert!(before.contains("id=\"listing-1-2\"") && !after.contains("listing-1-2"), "{html}");
        assert!(after.contains("<code>spawn</code>") && after.contains("id=\"listing-1-3\""));

        // Without its file there is nothing to show (the `sources` check
        // reports it, hints::check), and the page builds.
        fs::remove_file(dir.path().join("hints.md")).unwrap();
        let mut problems = Problems::default();
        let html = render(
            chapter,
            Path::new("ch01.md"),
            "src/ch01.md",
            &scan.blocks,
            &HashMap::new(),
            &by_package,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!html.contains("hints"), "{html}");
        let missing = crate::hints::check(&[exercise]);
        let found: Vec<String> = missing.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            ["listings/ch01/ex-x/hints.md: the exercise `ch01-ex-x` has no hints: write 2 or 3 \
              in this file, each under a `## Hint N` line (CONTRIBUTING.md, \"Add an exercise\")"]
        );
    }

    #[test]
    fn an_exercise_offers_check_and_names_every_exercise_shown() {
        let shown = |package: &str| {
            (
                package.to_string(),
                Target { chapter: PathBuf::from("ch01.md"), number: "1-1".into() },
            )
        };
        let numbered = HashMap::from([shown("ch02-ex-b"), shown("ch01-ex-a"), shown("ch01-hello")]);
        let (a, b, hidden, hello) = (
            listing("ch01-ex-a", Kind::Exercise),
            listing("ch02-ex-b", Kind::Exercise),
            listing("ch03-ex-not-shown", Kind::Exercise),
            listing("ch01-hello", Kind::Runs),
        );
        let by_package = HashMap::from([
            ("ch01-ex-a", &a),
            ("ch02-ex-b", &b),
            ("ch03-ex-not-shown", &hidden),
            ("ch01-hello", &hello),
        ]);
        let exercises = checked_packages(&numbered, &by_package);
        assert_eq!(exercises, "ch01-ex-a ch02-ex-b");
        let block = Block {
            start: 1,
            end: 2,
            caption: "Exercise".into(),
            file: "listings/ch01/ex-a/src/lib.rs".into(),
            package: "ch01-ex-a".into(),
            number: "1-3".into(),
        };
        let html = opening_html(&block, &a, &exercises);
        assert!(
            html.contains(
                " data-kind=\"exercise\" data-run=\"check\" data-exercises=\"ch01-ex-a ch02-ex-b\">"
            ),
            "{html}"
        );
        let html = opening_html(&block, &hello, &exercises);
        assert!(!html.contains("data-exercises"), "{html}");
    }

    #[test]
    fn captions_keep_their_inline_markdown() {
        assert_eq!(inline_markdown("An `async fn`"), "An <code>async fn</code>");
    }
}
