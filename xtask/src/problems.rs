//! Problems found by a check, each with the place it was found.
//!
//! Checks collect every problem they find instead of stopping at the first,
//! so a contributor sees the whole list in one run.

use std::fmt;
use std::path::Path;

/// One thing wrong, and where: `src/ch02.md:14` or `listings/ch02/x/output.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A growing list of problems.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Records a problem at a file (given relative to the book's root).
    pub fn at(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { location: location.into(), message: message.into() });
    }

    /// Records a problem at a line of a file.
    pub fn at_line(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.at(format!("{file}:{line}"), message);
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// Prints every problem to stderr; returns an error naming the check if
    /// there were any.
    pub fn into_result(self, check: &str) -> anyhow::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        for problem in &self.0 {
            eprintln!("error: {problem}");
        }
        anyhow::bail!("{check}: {} problem(s), listed above", self.0.len())
    }
}

/// `path` relative to `root`, with `/` separators, for messages.
pub fn rel(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Indents every line of `text` by four spaces, to nest a tool's output
/// under the message that quotes it.
pub fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}
