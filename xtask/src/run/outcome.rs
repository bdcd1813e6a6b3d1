//! One shape for what every check of `cargo xtask test` reports.

use std::time::Duration;

use crate::problems::Problems;

/// What a check reports when it has run.
pub enum Report {
    /// It ran: its summary line, and every problem it found (none: passed).
    Ran(String, Problems),
    /// It did not run, and the summary line says why.
    Skipped(String),
    /// It was not run again: it passed before on exactly these inputs
    /// (`cache.rs`). The summary line it passed with, and how long ago.
    Reused(String, String),
}

impl Report {
    pub fn ran(summary: impl Into<String>, problems: Problems) -> Report {
        Report::Ran(summary.into(), problems)
    }
}

/// A check's outcome: its name, summary, problems and time.
pub struct Outcome {
    pub name: &'static str,
    pub summary: String,
    pub problems: Problems,
    pub time: Duration,
    pub skipped: bool,
    /// Not run again: an earlier pass on the same inputs was reused.
    pub reused: bool,
}

impl Outcome {
    pub fn new(name: &'static str, report: anyhow::Result<Report>, time: Duration) -> Outcome {
        let (summary, problems, skipped, reused) = match report {
            Ok(Report::Ran(summary, problems)) => (summary, problems, false, false),
            Ok(Report::Skipped(summary)) => (summary, Problems::default(), true, false),
            Ok(Report::Reused(summary, age)) => (
                format!("not run again, passed {age} on the same inputs: {summary}"),
                Problems::default(),
                false,
                true,
            ),
            Err(err) => {
                let mut problems = Problems::default();
                problems.at(name, format!("{err:#}"));
                ("could not run".to_string(), problems, false, false)
            }
        };
        Outcome { name, summary, problems, time, skipped, reused }
    }

    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }

    /// Its line in the summary: `fmt       every crate formatted (1.2 s)`.
    pub fn line(&self) -> String {
        let verdict = if self.passed() { "" } else { "FAILED: " };
        format!("{:<9} {verdict}{} ({:.1} s)", self.name, self.summary, self.time.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_that_errs_fails_with_a_problem_named_after_it() {
        let outcome =
            Outcome::new("links", Err(anyhow::anyhow!("no book")), Duration::from_millis(1500));
        assert!(!outcome.passed());
        assert_eq!(outcome.line(), "links     FAILED: could not run (1.5 s)");
        assert_eq!(outcome.problems.iter().next().unwrap().to_string(), "links: no book");
    }

    #[test]
    fn a_skipped_check_passes_and_says_so() {
        let outcome = Outcome::new(
            "browser",
            Ok(Report::Skipped("SKIPPED: no Chromium".into())),
            Duration::ZERO,
        );
        assert!(outcome.passed() && outcome.skipped);
        assert_eq!(outcome.line(), "browser   SKIPPED: no Chromium (0.0 s)");
    }

    #[test]
    fn a_reused_pass_passes_and_says_it_was_not_run_again() {
        let outcome = Outcome::new(
            "pdf",
            Ok(Report::Reused("506 pages".into(), "3 min ago".into())),
            Duration::from_millis(10),
        );
        assert!(outcome.passed() && outcome.reused && !outcome.skipped);
        assert_eq!(
            outcome.line(),
            "pdf       not run again, passed 3 min ago on the same inputs: 506 pages (0.0 s)"
        );
    }
}
