//! The error index (Appendix A), generated from the listings.
//!
//! A page holds one line, `{{error-index}}`; the `listings` preprocessor
//! replaces it with [`render`]'s Markdown. Its entries are the listings
//! whose kind is indexed (`kinds::Rules::index`: every does-not-compile and
//! panics listing, and a runs or tests listing that declares `shows`), each
//! with the first lines of its checked `stderr.txt`, its declared `cause`,
//! and links to it and to its `fixed-by`. Nothing on the page is written by
//! hand, so a new error listing adds its entry with no other edit.

use std::collections::BTreeMap;

use crate::kinds::Group;
use crate::listings::Listing;
use crate::problems::Problems;

/// The line a page writes where the index goes.
pub const DIRECTIVE: &str = "{{error-index}}";

/// One entry: a listing under a heading (a code, a message, a bug's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub group: Group,
    /// What the reader scans for: `E0373`, the panic's message, the bug.
    pub heading: String,
    /// The first lines of the message as the reader sees it (empty for a
    /// silent bug).
    pub excerpt: Vec<String>,
    pub cause: String,
    pub package: String,
    pub fix: String,
}

/// The entry of an indexed listing, read from its declarations and its
/// blessed `stderr.txt`; `None`, with a problem, when that file lacks the
/// declared error or panic.
pub fn entry(listing: &Listing, problems: &mut Problems) -> Option<Entry> {
    let group = listing.index_group()?;
    let cause = listing.cause.clone().unwrap_or_default();
    let fix = listing.fixed_by.clone().unwrap_or_default();
    let stderr_file = listing.rel_file("stderr.txt");
    // In the machine-independent form, whatever the file holds: the index
    // shows what every reader's machine prints (and the `pages` check
    // points at the chapter that includes a file still in another form).
    let read = || {
        std::fs::read_to_string(listing.dir.join("stderr.txt"))
            .map(|text| crate::listings::machine_independent(&text))
    };
    let (heading, excerpt) = match group {
        Group::SilentBugs => (capitalized(listing.shows.as_deref().unwrap_or_default()), vec![]),
        Group::CompilerErrors => {
            let Ok(stderr) = read() else {
                problems.at(
                    stderr_file,
                    format!("missing: run `cargo xtask bless {}`", listing.package),
                );
                return None;
            };
            let expected = listing.expected_error();
            let lines: Vec<&str> = stderr.lines().collect();
            let Some(start) = lines.iter().position(|l| l.starts_with(&expected)) else {
                problems.at(
                    stderr_file,
                    format!("has no line starting `{expected}` for the error index: run `cargo xtask bless {}`", listing.package),
                );
                return None;
            };
            // The error line and the line that says where it is.
            let excerpt = lines[start..].iter().take(2).map(|l| l.to_string()).collect();
            let error = listing.error.clone().unwrap_or_default();
            (error, excerpt)
        }
        Group::Panics => {
            let Ok(stderr) = read() else {
                problems.at(
                    stderr_file,
                    format!("missing: run `cargo xtask bless {}`", listing.package),
                );
                return None;
            };
            let lines: Vec<&str> = stderr.lines().collect();
            let Some(start) = lines.iter().position(|l| l.contains("panicked at")) else {
                problems.at(
                    stderr_file,
                    format!(
                        "has no `panicked at` line for the error index: run `cargo xtask bless {}`",
                        listing.package
                    ),
                );
                return None;
            };
            // The `panicked at` line and the message, up to the note.
            let message: Vec<&str> = lines[start + 1..]
                .iter()
                .take_while(|l| !l.starts_with("note:") && !l.trim().is_empty())
                .take(3)
                .copied()
                .collect();
            let heading = message.first().copied().unwrap_or(lines[start]).to_string();
            let excerpt = std::iter::once(lines[start]).chain(message).map(String::from).collect();
            (heading, excerpt)
        }
    };
    Some(Entry { group, heading, excerpt, cause, package: listing.package.clone(), fix })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A message as a Markdown heading that shows it as written: its code
/// spans kept, and outside them every character Markdown would read
/// escaped (a panic's `Os { code: 11, .. }` would otherwise become the
/// heading's attributes).
fn heading_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code && "\\*_{}[]<>#|!~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How headings sort within a group: codes in order, then messages and
/// names alphabetically (ignoring backticks and case).
fn sort_key(heading: &str) -> (bool, String) {
    let is_code = heading.len() == 5
        && heading.starts_with('E')
        && heading[1..].chars().all(|c| c.is_ascii_digit());
    (!is_code, heading.replace('`', "").to_lowercase())
}

/// The index's Markdown: a section per group, a heading per code, message
/// or bug, an entry per listing. `link` gives a listing's Markdown link
/// (`[Listing 4-3](ch04-x.md#listing-4-3)`), or `None` when it is shown
/// nowhere (a problem).
pub fn render(
    entries: &[Entry],
    link: impl Fn(&str) -> Option<String>,
    source: &str,
    problems: &mut Problems,
) -> String {
    let mut link_or_problem = |package: &str, role: &str| {
        link(package).unwrap_or_else(|| {
            problems.at(
                source,
                format!("the error index links to {package} ({role}), which no chapter shows"),
            );
            format!("`{package}`")
        })
    };
    let mut out = String::new();
    for group in Group::ALL {
        let mut by_heading: BTreeMap<(bool, String), (String, Vec<&Entry>)> = BTreeMap::new();
        for entry in entries.iter().filter(|e| e.group == group) {
            by_heading
                .entry(sort_key(&entry.heading))
                .or_insert_with(|| (entry.heading.clone(), Vec::new()))
                .1
                .push(entry);
        }
        // No count in the heading: its anchor would change with each entry.
        out.push_str(&format!("## {}\n\n", group.title()));
        if by_heading.is_empty() {
            out.push_str("No listing of the book shows one yet.\n\n");
        }
        for (heading, entries) in by_heading.values() {
            out.push_str(&format!("### {}\n\n", heading_markdown(heading)));
            for entry in entries {
                if !entry.excerpt.is_empty() {
                    out.push_str("```text\n");
                    for line in &entry.excerpt {
                        out.push_str(line);
                        out.push('\n');
                    }
                    out.push_str("```\n\n");
                }
                let shown = link_or_problem(&entry.package, "the listing");
                // A listing that passes may show the bug and its fix side
                // by side (a silent bug's run and the fixed run).
                let fixed = if entry.fix == entry.package {
                    "the same listing shows the fix".to_string()
                } else {
                    let fix = link_or_problem(&entry.fix, "its fix");
                    format!("fixed in {fix} (`{}`)", entry.fix)
                };
                out.push_str(&format!(
                    "{cause} Shown in {shown} (`{package}`); {fixed}.\n\n",
                    cause = entry.cause.trim(),
                    package = entry.package,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(group: Group, heading: &str, package: &str) -> Entry {
        Entry {
            group,
            heading: heading.to_string(),
            excerpt: if group == Group::SilentBugs {
                vec![]
            } else {
                vec![format!("error[{heading}]: x"), " --> a.rs:1:1".to_string()]
            },
            cause: "It breaks.".to_string(),
            package: package.to_string(),
            fix: "ch01-fixed".to_string(),
        }
    }

    #[test]
    fn groups_come_in_order_and_headings_sort_codes_first() {
        let entries = [
            entry(Group::SilentBugs, "A lost message", "ch01-lost"),
            entry(Group::CompilerErrors, "future cannot be sent", "ch01-send"),
            entry(Group::CompilerErrors, "E0597", "ch01-b"),
            entry(Group::CompilerErrors, "E0373", "ch01-a"),
            entry(Group::CompilerErrors, "E0373", "ch01-c"),
        ];
        let mut problems = Problems::default();
        let page = render(
            &entries,
            |p| (p != "ch01-c").then(|| format!("[{p}]({p}.md)")),
            "src/a.md",
            &mut problems,
        );
        let headings: Vec<&str> = page.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings,
            [
                "## Compiler errors",
                "### E0373",
                "### E0597",
                "### future cannot be sent",
                "## Panics at run time",
                "## Hangs and silent bugs",
                "### A lost message",
            ]
        );
        assert!(page.contains(
            "It breaks. Shown in [ch01-a](ch01-a.md) (`ch01-a`); fixed in [ch01-fixed](ch01-fixed.md) (`ch01-fixed`)."
        ));
        let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            ["src/a.md: the error index links to ch01-c (the listing), which no chapter shows"]
        );
    }

    #[test]
    fn headings_show_the_message_as_written() {
        assert_eq!(
            heading_markdown("failed to spawn thread: Os { code: 11 }"),
            "failed to spawn thread: Os \\{ code: 11 \\}"
        );
        assert_eq!(heading_markdown("`a_b` <T> a_b"), "`a_b` \\<T\\> a\\_b");
    }

    #[test]
    fn bug_names_are_capitalized() {
        assert_eq!(capitalized("a lost message"), "A lost message");
        assert_eq!(sort_key("E0373"), (false, "e0373".to_string()));
        assert_eq!(sort_key("`async fn` resumed"), (true, "async fn resumed".to_string()));
    }
}
