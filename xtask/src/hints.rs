//! An exercise's progressive hints: `hints.md` beside the starter's
//! Cargo.toml (`listings/chNN/ex-NAME/hints.md`), the one place they are
//! written. Each hint starts at a line `## Hint`; there are two or three,
//! each revealing more than the last (where to look, the shape of the
//! approach, the key step), and none is the solution, which stays on the
//! solutions page.
//!
//! The `listings` preprocessor renders them under the starter's listing
//! ([`html`]); theme/hints.js reveals them one at a time. `cargo xtask
//! test` rejects an exercise whose file is missing, has fewer than two or
//! more than three hints, or still holds the template's `TODO`
//! ([`check`]).

use std::fs;

use pulldown_cmark::{Event, Parser, Tag};

use crate::listings::Listing;
use crate::problems::Problems;

/// The file's name, beside the starter's Cargo.toml.
pub const FILE: &str = "hints.md";
/// The line each hint starts with.
const MARK: &str = "## Hint";
/// What `new-listing --kind exercise` writes in place of each hint.
const PLACEHOLDER: &str = "TODO";
const FEWEST: usize = 2;
const MOST: usize = 3;

/// One hint: its Markdown, and the line of its `## Hint` mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub line: usize,
    pub markdown: String,
}

/// Reads a hints file; every problem names `file` (relative to the book's
/// root) and the line, and says what to do.
pub fn parse(text: &str, file: &str) -> (Vec<Hint>, Problems) {
    let mut problems = Problems::default();
    let mut hints: Vec<Hint> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim_end().starts_with(MARK) {
            hints.push(Hint { line: line_no, markdown: String::new() });
        } else if let Some(hint) = hints.last_mut() {
            hint.markdown.push_str(line);
            hint.markdown.push('\n');
        } else if !line.trim().is_empty() {
            problems.at_line(
                file,
                line_no,
                format!("text before the first hint: start each hint with a line `{MARK} N`"),
            );
        }
    }
    if !(FEWEST..=MOST).contains(&hints.len()) {
        problems.at(
            file,
            format!(
                "an exercise has {FEWEST} or {MOST} hints, each under a `{MARK} N` line and each \
                 revealing more than the last; this file has {}",
                hints.len()
            ),
        );
    }
    for (n, hint) in hints.iter().enumerate() {
        let n = n + 1;
        if hint.markdown.trim().is_empty() {
            problems.at_line(
                file,
                hint.line,
                format!("hint {n} is empty: write it under its line"),
            );
        } else if hint.markdown.contains(PLACEHOLDER) {
            problems.at_line(
                file,
                hint.line,
                format!(
                    "hint {n} still holds the template's {PLACEHOLDER}: write the hint \
                     (read the starter, its tests and the solution first)"
                ),
            );
        }
        for event in Parser::new(&hint.markdown) {
            let what = match event {
                Event::Start(Tag::CodeBlock(_)) => "a code block",
                Event::Start(Tag::Heading { .. }) => "a heading",
                Event::Html(_) | Event::InlineHtml(_) => "HTML",
                _ => continue,
            };
            problems.at_line(
                file,
                hint.line,
                format!(
                    "hint {n} has {what}: a hint is prose with `inline code` \
                     (the code belongs in the solution)"
                ),
            );
            break;
        }
    }
    (hints, problems)
}

/// The hints of an exercise's starter, read from its folder.
pub fn read(listing: &Listing) -> (Vec<Hint>, Problems) {
    let file = format!("{}/{FILE}", listing.rel_dir);
    match fs::read_to_string(listing.dir.join(FILE)) {
        Ok(text) => parse(&text, &file),
        Err(_) => {
            let mut problems = Problems::default();
            problems.at(
                &file,
                format!(
                    "the exercise `{}` has no hints: write {FEWEST} or {MOST} in this file, \
                     each under a `{MARK} N` line (CONTRIBUTING.md, \"Add an exercise\")",
                    listing.package
                ),
            );
            (Vec::new(), problems)
        }
    }
}

/// Every exercise starter's hints file, checked (`cargo xtask test`).
pub fn check(listings: &[Listing]) -> Problems {
    let mut problems = Problems::default();
    for starter in listings.iter().filter(|l| l.kind.rules().solution.is_some()) {
        problems.extend(read(starter).1);
    }
    problems
}

/// The hints under Listing `number`, as the page shows them: a section
/// whose hints are `hidden` until theme/hints.js reveals them one by one
/// (its button is the script's; without the script, or in print, CSS shows
/// them all). One HTML block with no blank line, so Markdown passes it on
/// whole.
pub fn html(number: &str, hints: &[Hint]) -> String {
    let id = format!("hints-{number}");
    let total = hints.len();
    let mut out = format!(
        "<section class=\"hints\" id=\"{id}\" aria-labelledby=\"{id}-title\">\n\
         <p class=\"hints-title\" id=\"{id}-title\">Hints for Listing {number}</p>\n\
         <ol class=\"hint-list\">\n"
    );
    for (n, hint) in hints.iter().enumerate() {
        let n = n + 1;
        let mut body = String::new();
        pulldown_cmark::html::push_html(&mut body, Parser::new(&hint.markdown));
        let body: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).collect();
        out.push_str(&format!(
            "<li class=\"hint\" id=\"{id}-{n}\" tabindex=\"-1\" hidden>\
             <span class=\"hint-label\">Hint {n} of {total}</span>\n{}\n</li>\n",
            body.join("\n")
        ));
    }
    out.push_str("</ol>\n</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE_NAME: &str = "listings/ch01/ex-x/hints.md";

    fn messages(problems: &Problems) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn hints_are_read_under_their_marks() {
        let text = "## Hint 1\n\nLook at `tokio::join!`.\n\n## Hint 2\n\nJoin *both*.\n";
        let (hints, problems) = parse(text, FILE_NAME);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            hints,
            [
                Hint { line: 1, markdown: "\nLook at `tokio::join!`.\n\n".into() },
                Hint { line: 5, markdown: "\nJoin *both*.\n".into() },
            ]
        );
    }

    #[test]
    fn too_few_too_many_empty_and_placeholder_hints_are_problems() {
        let one = parse("## Hint 1\n\nOnly one.\n", FILE_NAME).1;
        assert_eq!(
            messages(&one),
            [format!(
                "{FILE_NAME}: an exercise has 2 or 3 hints, each under a `## Hint N` line and \
                 each revealing more than the last; this file has 1"
            )]
        );
        let four = parse(&"## Hint\n\nA.\n".repeat(4), FILE_NAME).1;
        assert!(messages(&four)[0].ends_with("this file has 4"), "{four:?}");
        let template = "## Hint 1\n\nTODO: where to look.\n\n## Hint 2\n\n\n## Hint 3\nB.\n";
        assert_eq!(
            messages(&parse(template, FILE_NAME).1),
            [
                format!(
                    "{FILE_NAME}:1: hint 1 still holds the template's TODO: write the hint \
                     (read the starter, its tests and the solution first)"
                ),
                format!("{FILE_NAME}:5: hint 2 is empty: write it under its line"),
            ]
        );
    }

    #[test]
    fn text_before_the_first_hint_and_code_blocks_are_problems() {
        let text = "Hints\n## Hint 1\n```rust\nlet x = 1;\n```\n## Hint 2\nB <b>c</b>.\n";
        assert_eq!(
            messages(&parse(text, FILE_NAME).1),
            [
                format!(
                    "{FILE_NAME}:1: text before the first hint: start each hint with a line `## Hint N`"
                ),
                format!(
                    "{FILE_NAME}:2: hint 1 has a code block: a hint is prose with `inline code` \
                     (the code belongs in the solution)"
                ),
                format!(
                    "{FILE_NAME}:6: hint 2 has HTML: a hint is prose with `inline code` \
                     (the code belongs in the solution)"
                ),
            ]
        );
    }

    /// A snapshot of the HTML contract that theme/hints.js and hints.css
    /// read (ARCHITECTURE.md).
    #[test]
    fn the_page_gets_one_html_block_of_hidden_hints() {
        let text = "## Hint 1\n\nLook at `join!`.\n\n## Hint 2\n\nOne *line*,\nthen another.\n\nAnd a paragraph.\n";
        let (hints, problems) = parse(text, FILE_NAME);
        assert!(problems.is_empty(), "{problems:?}");
        let html = html("2-5", &hints);
        assert_eq!(
            html,
            "<section class=\"hints\" id=\"hints-2-5\" aria-labelledby=\"hints-2-5-title\">\n\
             <p class=\"hints-title\" id=\"hints-2-5-title\">Hints for Listing 2-5</p>\n\
             <ol class=\"hint-list\">\n\
             <li class=\"hint\" id=\"hints-2-5-1\" tabindex=\"-1\" hidden><span class=\"hint-label\">Hint 1 of 2</span>\n\
             <p>Look at <code>join!</code>.</p>\n</li>\n\
             <li class=\"hint\" id=\"hints-2-5-2\" tabindex=\"-1\" hidden><span class=\"hint-label\">Hint 2 of 2</span>\n\
             <p>One <em>line</em>,\nthen another.</p>\n<p>And a paragraph.</p>\n</li>\n\
             </ol>\n</section>\n"
        );
        assert!(!html.contains("\n\n"), "a blank line would end the HTML block: {html}");
    }
}
