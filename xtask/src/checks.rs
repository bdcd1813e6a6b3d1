//! Checks of the book's sources and of the rendered HTML.
//!
//! Each check returns every problem it finds, located by file and line.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use regex::Regex;

use crate::files::walk;
use crate::listings::{self, Kind, Listing};
use crate::preprocess::{self, Include, Scan};
use crate::problems::{Problems, rel};

/// What the source checks counted, for the summary.
#[derive(Debug, Default)]
pub struct SourceReport {
    pub chapters: usize,
    pub includes: usize,
}

/// Every Markdown file under `src/`, sorted.
fn chapters(root: &Path) -> Vec<PathBuf> {
    let mut files = walk(&root.join("src"));
    files.retain(|p| p.extension().is_some_and(|x| x == "md"));
    files
}

/// Includes resolve, anchors exist and are closed, no inline Rust, every
/// listing crate shown and every shown listing a crate.
pub fn check_sources(root: &Path, listings: &[Listing]) -> Result<(SourceReport, Problems)> {
    let mut problems = Problems::default();
    let mut report = SourceReport::default();
    let src_dir = root.join("src");
    let mut shown: HashSet<String> = HashSet::new();

    for file in chapters(root) {
        let source = rel(root, &file);
        let content =
            fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let chapter_path = file.strip_prefix(&src_dir).unwrap_or(&file);
        let Scan { includes, problems: scan_problems, .. } =
            preprocess::scan_chapter(root, &src_dir, &source, chapter_path, &content);
        problems.extend(scan_problems);
        report.chapters += 1;
        report.includes += includes.len();
        for include in &includes {
            check_include(root, &source, include, &mut problems);
            if let Some(package) = preprocess::package_of(&include.resolved) {
                shown.insert(package);
            }
        }
        check_inline_rust(&source, &content, &mut problems);
    }

    let packages: HashSet<&str> = listings.iter().map(|l| l.package.as_str()).collect();
    for listing in listings {
        if !shown.contains(&listing.package) {
            problems.at(
                format!("{}/Cargo.toml", listing.rel_dir),
                format!(
                    "listing `{}` is not shown by any chapter: include one of its files in src/, or remove it",
                    listing.package
                ),
            );
        }
    }
    let mut unknown: Vec<&String> =
        shown.iter().filter(|p| !packages.contains(p.as_str())).collect();
    unknown.sort();
    for package in unknown {
        // The include check has already named the file and line when the
        // folder is missing; this catches a folder that is not a crate.
        problems.at("src/", format!("a chapter shows files of `{package}`, which is not a listing crate of the workspace"));
    }

    check_anchors_closed(root, &mut problems)?;
    Ok((report, problems))
}

/// For a missing `listings/<chapter>/<name>/output.txt` or `stderr.txt`: the
/// command that writes it.
fn bless_hint(resolved: &Path) -> String {
    let parts: Vec<String> =
        resolved.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    match parts.as_slice() {
        [listings, chapter, name, file]
            if listings == "listings" && (file == "output.txt" || file == "stderr.txt") =>
        {
            format!(" yet: run `cargo xtask bless {chapter}-{name}` to write it")
        }
        _ => String::new(),
    }
}

fn check_include(root: &Path, source: &str, include: &Include, problems: &mut Problems) {
    let target = root.join(&include.resolved);
    let Ok(text) = fs::read_to_string(&target) else {
        problems.at_line(
            source,
            include.line,
            format!(
                "includes `{}`, but {} does not exist{}",
                include.written,
                include.resolved.display(),
                bless_hint(&include.resolved)
            ),
        );
        return;
    };
    let Some(selector) = &include.selector else { return };
    let is_range = selector.chars().all(|c| c.is_ascii_digit() || c == ':');
    if is_range {
        let lines = text.lines().count();
        for bound in selector.split(':').filter(|b| !b.is_empty()) {
            if bound.parse::<usize>().is_ok_and(|n| n > lines) {
                problems.at_line(
                    source,
                    include.line,
                    format!(
                        "includes line {bound} of `{}`, which has {lines} lines",
                        include.written
                    ),
                );
            }
        }
        return;
    }
    let has = |marker: &str| {
        text.lines().any(|line| {
            line.split_once(marker).is_some_and(|(_, rest)| rest.trim() == selector.as_str())
        })
    };
    if !has("ANCHOR:") {
        problems.at_line(
            source,
            include.line,
            format!(
                "includes anchor `{selector}` of `{}`, which has no `ANCHOR: {selector}`",
                include.written
            ),
        );
    } else if !has("ANCHOR_END:") {
        problems.at_line(
            source,
            include.line,
            format!("anchor `{selector}` of `{}` has no `ANCHOR_END: {selector}`", include.written),
        );
    }
}

/// Every `ANCHOR: x` in a listing file has a later `ANCHOR_END: x`.
fn check_anchors_closed(root: &Path, problems: &mut Problems) -> Result<()> {
    let start = Regex::new(r"ANCHOR:\s*(\S+)").unwrap();
    let end = Regex::new(r"ANCHOR_END:\s*(\S+)").unwrap();
    for path in walk(&root.join("listings")) {
        let Ok(text) = fs::read_to_string(&path) else { continue };
        let file = rel(root, &path);
        let mut open: HashMap<String, usize> = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            if let Some(c) = end.captures(line) {
                if open.remove(&c[1]).is_none() {
                    problems.at_line(
                        &file,
                        index + 1,
                        format!("`ANCHOR_END: {}` without an `ANCHOR: {}` before it", &c[1], &c[1]),
                    );
                }
            } else if let Some(c) = start.captures(line) {
                open.insert(c[1].to_string(), index + 1);
            }
        }
        let mut unclosed: Vec<_> = open.into_iter().collect();
        unclosed.sort_by_key(|(_, line)| *line);
        for (name, line) in unclosed {
            problems.at_line(&file, line, format!("`ANCHOR: {name}` has no `ANCHOR_END: {name}`"));
        }
    }
    Ok(())
}

/// A Rust code block whose body is typed into the chapter is compiled by
/// nothing; it must come from a listing crate instead.
fn check_inline_rust(source: &str, content: &str, problems: &mut Problems) {
    let mut fence: Option<(usize, bool, bool)> = None; // (start line, is rust, has include)
    for (index, line) in content.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            match fence.take() {
                None => {
                    let info = trimmed.trim_start_matches('`').trim();
                    let is_rust = info.split([',', ' ']).next().is_some_and(|lang| lang == "rust");
                    fence = Some((index + 1, is_rust, false));
                }
                Some((start, true, false)) => problems.at_line(
                    source,
                    start,
                    "Rust code written inline in a chapter is compiled by nothing: \
                     put it in a listing crate and include it with {{#rustdoc_include ...}}",
                ),
                Some(_) => {}
            }
        } else if let Some((_, _, has_include)) = &mut fence {
            if trimmed.contains("{{#include")
                || trimmed.contains("{{#rustdoc_include")
                || trimmed.contains("{{#playground")
            {
                *has_include = true;
            } else if !trimmed.is_empty() {
                // Any other text makes the block partly inline.
                if let Some((start, true, _)) = fence {
                    problems.at_line(
                        source,
                        start,
                        "Rust code written inline in a chapter is compiled by nothing: \
                         put it in a listing crate and include it with {{#rustdoc_include ...}}",
                    );
                    fence = Some((start, false, true));
                }
            }
        }
    }
}

/// An exercise's starter (`chNN-ex-NAME`, kind `exercise`) and its solution
/// (`chNN-ex-NAME-solution`, kind `tests`) carry the same tests: the reader
/// makes exactly the tests pass that the solution passes. Each file keeps
/// its own copy so that it runs alone (and on the playground); this check
/// keeps the copies from drifting apart.
pub fn check_exercises(listings: &[Listing]) -> Problems {
    let mut problems = Problems::default();
    for starter in listings.iter().filter(|l| l.kind.rules().solution.is_some()) {
        let wanted = crate::kinds::naming::solution_of(&starter.package);
        let Some(solution) = listings.iter().find(|l| l.package == wanted) else {
            problems.at(
                format!("{}/Cargo.toml", starter.rel_dir),
                format!("an exercise needs a solution crate `{wanted}` (kind \"tests\") beside it"),
            );
            continue;
        };
        if solution.kind != Kind::Tests {
            problems.at(
                format!("{}/Cargo.toml", solution.rel_dir),
                format!(
                    "the solution of `{}` must be of kind \"tests\", so its tests run",
                    starter.package
                ),
            );
        }
        // A listing is one file: src/main.rs, or src/lib.rs for tests only.
        let file = |l: &Listing| {
            let name =
                if l.dir.join("src/main.rs").exists() { "src/main.rs" } else { "src/lib.rs" };
            l.dir.join(name)
        };
        let shown = |l: &Listing| {
            format!(
                "{}/{}",
                l.rel_dir,
                file(l).strip_prefix(&l.dir).map(preprocess::to_slash).unwrap_or_default()
            )
        };
        let (Ok(starter_text), Ok(solution_text)) =
            (fs::read_to_string(file(starter)), fs::read_to_string(file(solution)))
        else {
            continue; // a missing file is reported by the build
        };
        let (starter_tests, solution_tests) = (tests_of(&starter_text), tests_of(&solution_text));
        match (&starter_tests, &solution_tests) {
            (None, _) => problems.at(
                shown(starter),
                "an exercise's starter needs the tests the reader must pass, in a `#[cfg(test)]` module",
            ),
            (Some((line, tests)), Some((_, expected))) if tests != expected => problems.at_line(
                &shown(starter),
                *line,
                format!(
                    "the exercise's tests differ from those of its solution ({}): \
                     a reader must make exactly the solution's tests pass, so keep the two copies the same",
                    shown(solution)
                ),
            ),
            _ => {}
        }
    }
    problems
}

/// The `#[cfg(test)]` part of a file, from that line to the end, without
/// anchor comments; and the line it starts on.
fn tests_of(text: &str) -> Option<(usize, Vec<&str>)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim() == "#[cfg(test)]")?;
    let body = lines[start..]
        .iter()
        .copied()
        .filter(|l| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:"))
        .collect();
    Some((start + 1, body))
}

/// No listing talks to a host other than this machine: every URL in a
/// string literal of a listing's code must point at a loopback address.
pub fn check_no_internet(root: &Path, listings: &[Listing]) -> Problems {
    let url = Regex::new(r#""(?:https?|wss?)://([^/"{}\s:]*)"#).unwrap();
    let mut problems = Problems::default();
    for listing in listings {
        for path in walk(&listing.dir) {
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else { continue };
            let file = rel(root, &path);
            for (index, line) in text.lines().enumerate() {
                for c in url.captures_iter(line) {
                    let host = &c[1];
                    let loopback = host.is_empty()
                        || host == "localhost"
                        || host.starts_with("127.")
                        || host.starts_with("[::1]");
                    if !loopback {
                        problems.at_line(
                            &file,
                            index + 1,
                            format!(
                                "talks to `{host}`: listings must not need the internet; \
                                 start a server on 127.0.0.1 in the listing instead"
                            ),
                        );
                    }
                }
            }
        }
    }
    problems
}

/// No rendered page shows what only the recording machine has (a home
/// folder, cargo's registry folder, the compiler's commit, a panic's thread
/// id): `bless` writes the machine-independent form, so such text means a
/// committed file was edited by hand or blessed by an older xtask. Each
/// finding names the page, and the committed file and line it comes from
/// when one of the book's sources holds it. Returns how many pages were read.
pub fn check_machine_independent(root: &Path, html_dir: &Path) -> Result<(usize, Problems)> {
    let mut problems = Problems::default();
    let mut pages = 0;
    let mut reported = BTreeSet::new();
    for path in walk(html_dir) {
        if path.extension().is_none_or(|x| x != "html") {
            continue;
        }
        pages += 1;
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        for (index, line) in text.lines().enumerate() {
            for found in listings::machine_specific(line) {
                if !reported.insert(found.clone()) {
                    continue; // the print page, or the same file shown twice
                }
                let page = format!("{}:{}", page_name(html_dir, &path), index + 1);
                let message = match source_holding(root, &found) {
                    Some(source) => format!(
                        "the page shows `{found}`, which only the machine that recorded it has; \
                         it comes from {source}: if that is a listing's output, re-run \
                         `cargo xtask bless <package>` (bless writes the machine-independent \
                         form), otherwise rewrite it without the path or number"
                    ),
                    None => format!(
                        "the page shows `{found}`, which only the machine that recorded it has: \
                         bless the listing whose output this is (`cargo xtask bless <package>`), \
                         or rewrite the text without the path or number"
                    ),
                };
                problems.at(page, message);
            }
        }
    }
    Ok((pages, problems))
}

/// `file:line` of the first chapter or committed output holding `needle`.
fn source_holding(root: &Path, needle: &str) -> Option<String> {
    let sources = walk(&root.join("src"))
        .into_iter()
        .chain(walk(&root.join("listings")))
        .filter(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"));
    for path in sources {
        let Ok(text) = fs::read_to_string(&path) else { continue };
        if let Some(index) = text.lines().position(|l| l.contains(needle)) {
            return Some(format!("{}:{}", rel(root, &path), index + 1));
        }
    }
    None
}

/// What the link check counted.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub pages: usize,
    pub links: usize,
}

/// Every internal link and `#fragment` in the rendered HTML resolves.
pub fn check_links(root: &Path, html_dir: &Path) -> Result<(LinkReport, Problems)> {
    let mut pages: HashMap<PathBuf, html::Page> = HashMap::new();
    for path in walk(html_dir) {
        if path.extension().is_some_and(|x| x == "html") {
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            pages.insert(path, html::Page::parse(&text));
        }
    }

    let mut problems = Problems::default();
    let mut report = LinkReport { pages: pages.len(), links: 0 };
    let mut sorted: Vec<&PathBuf> = pages.keys().collect();
    // The print page last, so it can skip what the chapters reported.
    sorted.sort_by_key(|p| (p.file_name().is_some_and(|n| n == "print.html"), p.to_path_buf()));
    let mut reported: Vec<String> = Vec::new();
    for page_path in sorted {
        let page = &pages[page_path];
        // mdBook's 404 page is served from any depth, so its links are
        // written relative to `site-url`, not to the file.
        let file_name = page_path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if page_path.parent() == Some(html_dir) && file_name == "404.html" {
            continue;
        }
        // mdBook writes the first chapter a second time as index.html when
        // the book has no index page of its own; its links are checked once,
        // on the chapter's page.
        let has_own_index =
            root.join("src/index.md").exists() || root.join("src/README.md").exists();
        if page_path.parent() == Some(html_dir) && file_name == "index.html" && !has_own_index {
            continue;
        }
        // The print page repeats every chapter; report its links only when
        // they are broken there alone (its rewriting of links is mdBook's).
        let is_print = page_path.parent() == Some(html_dir) && file_name == "print.html";
        let mut seen = BTreeSet::new();
        for link in &page.links {
            if is_external(link) || !seen.insert(link.clone()) {
                continue;
            }
            report.links += 1;
            let (file_part, fragment) = match link.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (link.as_str(), None),
            };
            let file_part = file_part.split('?').next().unwrap_or("");
            let target = if file_part.is_empty() {
                page_path.clone()
            } else {
                let joined = preprocess::lexical_relative(
                    Path::new(""),
                    &page_path.parent().unwrap_or(html_dir).join(percent_decode(file_part)),
                );
                if joined.is_dir() { joined.join("index.html") } else { joined }
            };
            // Broken links are remembered by their last part, which the print
            // page keeps when it rewrites `page.html#x` into `#x`.
            let key = fragment.unwrap_or(file_part).to_string();
            if is_print && reported.contains(&key) {
                continue;
            }
            let where_ = source_of(root, html_dir, page_path, link);
            if !target.exists() {
                reported.push(key);
                problems.at(
                    where_,
                    format!(
                        "link `{link}` points at {}, which the book does not have",
                        rel(html_dir, &target)
                    ),
                );
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let fragment = percent_decode(fragment);
                let has_id = pages.get(&target).is_some_and(|p| p.ids.contains(&fragment));
                if target.extension().is_some_and(|x| x == "html") && !has_id {
                    reported.push(key);
                    problems.at(
                        where_,
                        format!(
                            "link `{link}`: {} has no element with id `{fragment}`",
                            rel(html_dir, &target)
                        ),
                    );
                }
            }
        }
    }
    Ok((report, problems))
}

fn is_external(link: &str) -> bool {
    link.contains("://")
        || link.starts_with("//")
        || link.starts_with("mailto:")
        || link.starts_with("javascript:")
        || link.starts_with("data:")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Names the Markdown source of a rendered page, and the line where the link
/// is written when it can be found, so the contributor knows where to look.
fn source_of(root: &Path, html_dir: &Path, page: &Path, link: &str) -> String {
    let rendered = rel(html_dir, page);
    if rendered == "print.html" {
        return format!("{} (the all-in-one print page)", page_name(html_dir, page));
    }
    let md = root.join("src").join(rendered.trim_end_matches(".html").to_string() + ".md");
    let md = if md.exists() {
        md
    } else {
        // mdBook renders README.md as index.html.
        let readme = md.with_file_name("README.md");
        if readme.exists() { readme } else { return page_name(html_dir, page) }
    };
    let md_link = link.replace(".html", ".md");
    if let Ok(text) = fs::read_to_string(&md) {
        for (index, line) in text.lines().enumerate() {
            if line.contains(&md_link) || line.contains(link) {
                return format!("{}:{}", rel(root, &md), index + 1);
            }
        }
    }
    format!("{} (rendered as {})", rel(root, &md), page_name(html_dir, page))
}

/// A rendered page as `cargo xtask build` names it (`book/ch01.html`), also
/// when `cargo xtask test` built it into a private folder that is gone by
/// the time anyone reads the message.
fn page_name(html_dir: &Path, page: &Path) -> String {
    format!("book/{}", rel(html_dir, page))
}

/// Just enough HTML reading for links: ids and hrefs, via html5ever's
/// tokenizer (the parser mdBook itself uses).
mod html {
    use std::cell::RefCell;
    use std::collections::HashSet;

    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    };

    #[derive(Default)]
    pub struct Page {
        pub ids: HashSet<String>,
        pub links: Vec<String>,
    }

    struct Sink(RefCell<Page>);

    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let TagToken(tag) = token
                && tag.kind == StartTag
            {
                let mut page = self.0.borrow_mut();
                for attr in &tag.attrs {
                    let name = &*attr.name.local;
                    let value = attr.value.to_string();
                    match name {
                        "id" => {
                            page.ids.insert(value);
                        }
                        "name" if &*tag.name == "a" => {
                            page.ids.insert(value);
                        }
                        "href" if matches!(&*tag.name, "a" | "link" | "area") => {
                            page.links.push(value)
                        }
                        "src" if matches!(&*tag.name, "img" | "script") => page.links.push(value),
                        _ => {}
                    }
                }
            }
            TokenSinkResult::Continue
        }
    }

    impl Page {
        pub fn parse(text: &str) -> Page {
            let input = BufferQueue::default();
            input.push_back(StrTendril::from_slice(text));
            let tokenizer = Tokenizer::new(Sink(RefCell::new(Page::default())), Default::default());
            let _ = tokenizer.feed(&input);
            tokenizer.end();
            tokenizer.sink.0.take()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline_rust(chapter: &str) -> Vec<String> {
        let mut problems = Problems::default();
        check_inline_rust("src/ch01.md", chapter, &mut problems);
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn inline_rust_is_named_at_its_fence_and_includes_are_not() {
        let chapter = "# One\n\n```rust\n{{#rustdoc_include ../listings/ch01/a/src/main.rs:all}}\n```\n\n\
                       ```text\nplain output\n```\n\n```rust\nfn main() {}\n```\n\n\
                       ```rust\n{{#include ../listings/ch01/a/src/main.rs}}\nlet x = 1;\n```\n";
        assert_eq!(
            inline_rust(chapter),
            [
                "src/ch01.md:11: Rust code written inline in a chapter is compiled by nothing: \
                 put it in a listing crate and include it with {{#rustdoc_include ...}}",
                "src/ch01.md:15: Rust code written inline in a chapter is compiled by nothing: \
                 put it in a listing crate and include it with {{#rustdoc_include ...}}",
            ]
        );
        assert!(inline_rust("```console\n$ cargo run\n```\n").is_empty());
    }

    #[test]
    fn links_resolve_to_files_and_ids() {
        let book = crate::files::temp_dir("links-").unwrap();
        let html = book.path().join("book");
        fs::create_dir_all(html.join("part")).unwrap();
        fs::write(
            html.join("ch01.html"),
            "<h1 id=\"one\">One</h1><a href=\"#one\">ok</a><a href=\"part/ch02.html#two\">ok</a>\
             <a href=\"part/ch02.html#too\">no id</a><a href=\"ch03.html\">no page</a>\
             <a href=\"https://example.com/x\">external</a>",
        )
        .unwrap();
        fs::write(html.join("part/ch02.html"), "<p id=\"two\"><a href=\"../ch01.html\">up</a></p>")
            .unwrap();
        let (report, problems) = check_links(book.path(), &html).unwrap();
        assert_eq!((report.pages, report.links), (2, 5));
        let found: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        assert_eq!(
            found,
            [
                "link `part/ch02.html#too`: part/ch02.html has no element with id `too`",
                "link `ch03.html` points at ch03.html, which the book does not have",
            ]
        );
    }

    #[test]
    fn pages_showing_a_machines_text_name_where_it_comes_from() {
        let book = crate::files::temp_dir("pages-").unwrap();
        let html = book.path().join("book");
        fs::create_dir_all(&html).unwrap();
        fs::create_dir_all(book.path().join("listings/ch01/boom")).unwrap();
        fs::write(
            book.path().join("listings/ch01/boom/stderr.txt"),
            "\nthread 'main' (77) panicked at src/main.rs:1:1:\n",
        )
        .unwrap();
        fs::write(html.join("ch01.html"), "<pre>thread 'main' (77) panicked at</pre>\n<p>ok</p>")
            .unwrap();
        fs::write(html.join("print.html"), "<pre>thread 'main' (77) panicked at</pre>").unwrap();
        let (pages, problems) = check_machine_independent(book.path(), &html).unwrap();
        assert_eq!(pages, 2);
        let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 1, "the print page repeats it: {found:?}");
        assert!(found[0].starts_with("book/ch01.html:1: the page shows `thread 'main' (77)`"));
        assert!(found[0].contains("it comes from listings/ch01/boom/stderr.txt:2"));
    }
}
