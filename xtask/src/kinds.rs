//! What each kind of listing means, in one place: the fields its
//! `[package.metadata.book]` may or must declare, how `cargo xtask test`
//! verifies it (and the exit it expects), which files `bless` writes, the
//! command a reader types, what the page's Run button does with it, and the
//! files `new-listing` scaffolds (from `xtask/templates/<kind>/`).
//!
//! Adding a kind touches this file (a variant of [`Kind`] and its arm in
//! [`Kind::rules`]) and its templates folder; every other part of xtask, and
//! the page script, reads the rules.

use std::fmt;

use serde::Deserialize;

/// The cargo feature that turns on the binary of a does-not-compile listing.
/// Without it the workspace builds; with it the reader sees the error.
pub const COMPILE_ERROR_FEATURE: &str = "does-not-compile";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Built, run, and its stdout compared with `output.txt`.
    Runs,
    /// Its `#[test]` functions pass.
    Tests,
    /// Fails to compile with the declared error; `stderr.txt` is compared.
    DoesNotCompile,
    /// Runs and panics with the declared message; `stderr.txt` is compared.
    Panics,
    /// A long-running server, exercised by its own integration tests.
    Serves,
    /// An exercise's starter crate: it must compile (with its tests), but
    /// the reader finishes it, so its tests are not run.
    Exercise,
}

/// How `cargo xtask test` verifies a listing of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Run its binary; it must exit with `exit`; stdout (and, for a panic,
    /// stderr) equal the blessed files.
    Run { exit: i32 },
    /// Build it with [`COMPILE_ERROR_FEATURE`]; it must fail with the
    /// declared error, and the compiler's messages equal `stderr.txt`.
    CompileError,
    /// Run its test executables; at least one test must pass.
    Tests,
    /// Build it and its tests; nothing runs (the reader finishes it).
    Build,
}

impl Verify {
    /// Whether verifying it needs its test executables built (`cargo test
    /// --no-run`): a listing verified otherwise is built only as a binary,
    /// which on a cold build saves compiling each one a second time.
    pub fn needs_test_executables(self) -> bool {
        matches!(self, Verify::Tests | Verify::Build)
    }
}

/// A field of `[package.metadata.book]` besides `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Args,
    Normalize,
    Error,
    Panic,
    Timing,
    /// `fixed-by = "ch04-spawn-fixed"`: the listing that fixes this one.
    FixedBy,
    /// `cause = "..."`: one sentence on why it fails, for the error index.
    Cause,
    /// `shows = "a lost message"`: a hang or silent bug a listing that
    /// passes shows, for the error index.
    Shows,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Args => "args",
            Field::Normalize => "normalize",
            Field::Error => "error",
            Field::Panic => "panic",
            Field::Timing => "timing",
            Field::FixedBy => "fixed-by",
            Field::Cause => "cause",
            Field::Shows => "shows",
        }
    }
}

/// What a blessed file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blessed {
    /// `output.txt`: the program's stdout.
    Stdout,
    /// `stderr.txt`: the program's stderr (a panic's message).
    Stderr,
    /// `stderr.txt`: the compiler's messages, as rustc renders them.
    CompilerMessages,
}

impl Blessed {
    pub fn file_name(self) -> &'static str {
        match self {
            Blessed::Stdout => "output.txt",
            Blessed::Stderr | Blessed::CompilerMessages => "stderr.txt",
        }
    }
}

/// The command a reader types to see what a listing does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderCommand {
    /// `cargo run -p <package> [-- <args>]`
    Run,
    /// `cargo run -p <package> --features does-not-compile`
    RunWithFeature,
    /// `cargo test -p <package>`
    Test,
}

/// What the Run button on the page does with the listing's code: the
/// preprocessor writes it into `data-run` (see ARCHITECTURE.md, "Invariants
/// and contracts"), and `theme/playground.js` reads only that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRun {
    /// Compile and run it as a program (or a library, without `main`).
    Program,
    /// Compile and run its tests.
    Tests,
    /// An exercise's starter: Run runs it as a program (its tests when it
    /// has no `main`), and the page offers Check, which runs its tests and
    /// shows each passed or failed (`theme/check.js`).
    Check,
    /// Offer no Run; the page says why.
    Not(&'static str),
}

impl PageRun {
    /// The value of `data-run`.
    pub fn attribute(self) -> &'static str {
        match self {
            PageRun::Program => "program",
            PageRun::Tests => "tests",
            PageRun::Check => "check",
            PageRun::Not(_) => "none",
        }
    }
}

/// The files `new-listing` writes for a kind: its `[package.metadata.book]`
/// (and any further manifest tables), its source, with and without tokio
/// (fixture books have no tokio), and any other files.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub metadata: &'static str,
    /// `src/main.rs` or `src/lib.rs`.
    pub source_file: &'static str,
    pub tokio: &'static str,
    pub std: &'static str,
    /// Further files, relative to the crate; `PACKAGE` becomes its name.
    pub extra: &'static [(&'static str, &'static str)],
    /// Whether the crate depends on tokio when the workspace has it.
    pub uses_tokio: bool,
    /// What the contributor does next, besides writing the listing.
    pub next_step: Option<&'static str>,
}

/// Everything a kind means. See the module documentation.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub kind: Kind,
    /// How it is written in Cargo.toml: `does-not-compile`.
    pub name: &'static str,
    /// What `cargo xtask test` checks, in a line.
    pub summary: &'static str,
    pub verify: Verify,
    /// Fields it must declare.
    pub required: &'static [Field],
    /// Fields it may declare (the required ones included).
    pub allowed: &'static [Field],
    /// It must have exactly one binary.
    pub one_binary: bool,
    /// The files `bless` writes, in order.
    pub blessed: &'static [Blessed],
    /// The file a chapter shows under the listing, and the verb before it:
    /// "{{listing ch02-x}} prints:".
    pub shown: Option<(&'static str, Blessed)>,
    pub command: ReaderCommand,
    pub page: PageRun,
    pub template: Template,
    /// `new-listing` also creates a solution crate of this kind, named
    /// `<name>-solution`, whose source is the template answered.
    pub solution: Option<Kind>,
    /// Where its listings go in the error index (Appendix A): every listing
    /// of the kind (`Always`, and then `fixed-by` and `cause` are required),
    /// or only one that declares `shows` (`WhenDeclared`), or never.
    pub index: Index,
    /// It passes `cargo xtask test` by running (or its tests do): a
    /// listing of this kind may be another's `fixed-by`.
    pub passes: bool,
}

/// A group of the error index (Appendix A), in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Compiler errors, by code (and those without one by message).
    CompilerErrors,
    /// Panics at run time, by message.
    Panics,
    /// Hangs and silent bugs, by the name a listing `shows`.
    SilentBugs,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::CompilerErrors, Group::Panics, Group::SilentBugs];

    pub fn title(self) -> &'static str {
        match self {
            Group::CompilerErrors => "Compiler errors",
            Group::Panics => "Panics at run time",
            Group::SilentBugs => "Hangs and silent bugs",
        }
    }
}

/// Whether a kind's listings are entries of the error index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// Every listing of the kind, in this group.
    Always(Group),
    /// A listing that declares `shows` (with `fixed-by` and `cause`).
    WhenDeclared,
    Never,
}

/// The fields an indexed listing must declare, besides its kind's own.
pub const INDEX_FIELDS: [Field; 2] = [Field::FixedBy, Field::Cause];

/// What a contributor adds to `[package.metadata.book]` of a listing that
/// is an entry of the error index; the check's message quotes it.
pub const INDEX_HOWTO: &str = "fixed-by = \"chNN-name\" (the runs or tests listing that fixes it) and \
     cause = \"one sentence on why it fails\"";

macro_rules! template {
    ($kind:literal, $source:literal) => {
        Template {
            metadata: include_str!(concat!("../templates/", $kind, "/metadata.toml")),
            source_file: concat!("src/", $source, ".rs"),
            tokio: include_str!(concat!("../templates/", $kind, "/", $source, ".tokio.rs")),
            std: include_str!(concat!("../templates/", $kind, "/", $source, ".std.rs")),
            extra: &[],
            uses_tokio: true,
            next_step: None,
        }
    };
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Runs, Kind::Tests, Kind::DoesNotCompile, Kind::Panics, Kind::Serves, Kind::Exercise];

    /// The kind's rules: the one place that says what it means.
    pub fn rules(self) -> &'static Rules {
        use Field::*;
        const RUNS: Rules = Rules {
            kind: Kind::Runs,
            name: "runs",
            summary: "builds, runs, exits 0; stdout equals output.txt",
            verify: Verify::Run { exit: 0 },
            required: &[],
            allowed: &[Args, Normalize, Timing, Shows, FixedBy, Cause],
            one_binary: true,
            blessed: &[Blessed::Stdout],
            shown: Some(("prints:", Blessed::Stdout)),
            command: ReaderCommand::Run,
            page: PageRun::Program,
            template: template!("runs", "main"),
            solution: None,
            index: Index::WhenDeclared,
            passes: true,
        };
        const TESTS: Rules = Rules {
            kind: Kind::Tests,
            name: "tests",
            summary: "its #[test] / #[tokio::test] functions pass (at least one)",
            verify: Verify::Tests,
            required: &[],
            allowed: &[Shows, FixedBy, Cause],
            one_binary: false,
            blessed: &[],
            shown: None,
            command: ReaderCommand::Test,
            page: PageRun::Tests,
            template: template!("tests", "lib"),
            solution: None,
            index: Index::WhenDeclared,
            passes: true,
        };
        const DOES_NOT_COMPILE: Rules = Rules {
            kind: Kind::DoesNotCompile,
            name: "does-not-compile",
            summary: "fails to compile with `error`; the compiler's messages equal stderr.txt",
            verify: Verify::CompileError,
            required: &[Error, FixedBy, Cause],
            allowed: &[Error, Normalize, FixedBy, Cause],
            blessed: &[Blessed::CompilerMessages],
            shown: Some(("does not compile:", Blessed::CompilerMessages)),
            command: ReaderCommand::RunWithFeature,
            template: Template {
                metadata: include_str!("../templates/does-not-compile/metadata.toml"),
                source_file: "src/main.rs",
                tokio: include_str!("../templates/does-not-compile/main.rs"),
                std: include_str!("../templates/does-not-compile/main.rs"),
                extra: &[],
                // It fails before it needs any crate.
                uses_tokio: false,
                next_step: Some(
                    "Set `error` in its Cargo.toml to the code it fails with (now E0308),\n     \
                     `fixed-by` to the listing that fixes it and `cause` to why it fails.",
                ),
            },
            index: Index::Always(Group::CompilerErrors),
            passes: false,
            ..RUNS
        };
        const PANICS: Rules = Rules {
            kind: Kind::Panics,
            name: "panics",
            summary: "panics with a message containing `panic`; stdout and stderr equal the files",
            verify: Verify::Run { exit: 101 },
            required: &[Panic, FixedBy, Cause],
            allowed: &[Panic, Args, Normalize, Timing, FixedBy, Cause],
            blessed: &[Blessed::Stdout, Blessed::Stderr],
            shown: Some(("panics:", Blessed::Stderr)),
            template: Template {
                next_step: Some(
                    "Set `panic` in its Cargo.toml to text from its panic message,\n     \
                     `fixed-by` to the listing that fixes it and `cause` to why it panics.",
                ),
                ..template!("panics", "main")
            },
            index: Index::Always(Group::Panics),
            passes: false,
            ..RUNS
        };
        const SERVES: Rules = Rules {
            kind: Kind::Serves,
            name: "serves",
            summary: "a server; its tests in tests/ start the binary, talk to it on 127.0.0.1, stop it",
            page: PageRun::Not(
                "This listing is a server that runs until it is stopped; its tests start it and talk to it.",
            ),
            template: Template {
                extra: &[("tests/serves.rs", include_str!("../templates/serves/tests/serves.rs"))],
                next_step: Some(
                    "Keep tests/serves.rs in step: it starts the server and talks to it.",
                ),
                ..template!("serves", "main")
            },
            ..TESTS
        };
        const EXERCISE: Rules = Rules {
            kind: Kind::Exercise,
            name: "exercise",
            summary: "an exercise's starter: it and its tests compile (the reader makes them pass)",
            verify: Verify::Build,
            template: Template {
                next_step: Some(
                    "Solve it in the -solution crate, and keep the two crates' tests the same\n     \
                     (`cargo xtask test` checks that they are); write its hints.md (two or three\n     \
                     hints, each revealing more; the template's TODOs fail the test until then).",
                ),
                extra: &[("hints.md", include_str!("../templates/exercise/hints.md"))],
                ..template!("exercise", "lib")
            },
            solution: Some(Kind::Tests),
            page: PageRun::Check,
            // Its tests are not run, so it neither fixes nor shows anything.
            allowed: &[],
            index: Index::Never,
            passes: false,
            ..TESTS
        };
        match self {
            Kind::Runs => &RUNS,
            Kind::Tests => &TESTS,
            Kind::DoesNotCompile => &DOES_NOT_COMPILE,
            Kind::Panics => &PANICS,
            Kind::Serves => &SERVES,
            Kind::Exercise => &EXERCISE,
        }
    }

    /// Reads a kind as Cargo.toml and `--kind` write it.
    pub fn parse(text: &str) -> Result<Kind, String> {
        Kind::ALL.into_iter().find(|k| k.rules().name == text).ok_or_else(|| {
            let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.rules().name).collect();
            format!("the kinds are {}", kinds.join(", "))
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rules().name)
    }
}

/// The exercise's answer that replaces the starter's `todo!` in its
/// scaffolded solution: the same file, so the two carry the same tests.
pub const EXERCISE_TODO: &str =
    "    // Your code here: make the test below pass.\n    todo!(\"count down from {n}\")\n";
pub const EXERCISE_ANSWER_TOKIO: &str = include_str!("../templates/exercise/answer.tokio.rs");
pub const EXERCISE_ANSWER_STD: &str = include_str!("../templates/exercise/answer.std.rs");

/// The package a listing folder must have, and back: `listings/ch02/count-to`
/// ↔ `ch02-count-to`. The one place that knows the rule.
pub mod naming {
    /// `listings/<chapter>/<name>` (relative, `/`-separated) → `<chapter>-<name>`;
    /// `None` when the path is not two folders below `listings/`.
    pub fn package_of_dir(rel_dir: &str) -> Option<String> {
        match rel_dir.trim_end_matches('/').split('/').collect::<Vec<_>>().as_slice() {
            ["listings", chapter, name] if !chapter.is_empty() && !name.is_empty() => {
                Some(format!("{chapter}-{name}"))
            }
            _ => None,
        }
    }

    /// `(chapter, name)` → `listings/<chapter>/<name>`.
    pub fn dir_of(chapter: &str, name: &str) -> String {
        format!("listings/{chapter}/{name}")
    }

    /// The package of a file inside a listing crate, its path relative to
    /// the book root: `listings/ch02/x/src/main.rs` → `ch02-x`.
    pub fn package_of_file(rel_path: &str) -> Option<String> {
        let parts: Vec<&str> = rel_path.split('/').collect();
        if parts.len() < 4 {
            return None; // the crate folder itself, or less
        }
        package_of_dir(&parts[..3].join("/"))
    }

    /// The solution crate of an exercise: `ch02-ex-x` → `ch02-ex-x-solution`.
    pub fn solution_of(package: &str) -> String {
        format!("{package}-solution")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_its_own_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.rules().kind, kind);
            assert_eq!(Kind::parse(&kind.to_string()), Ok(kind));
        }
        assert!(Kind::parse("walks").unwrap_err().contains("does-not-compile"));
    }

    #[test]
    fn required_fields_are_allowed_and_blessed_kinds_are_shown() {
        for kind in Kind::ALL {
            let rules = kind.rules();
            for field in rules.required {
                assert!(rules.allowed.contains(field), "{kind}: {}", field.name());
            }
            assert_eq!(rules.blessed.is_empty(), rules.shown.is_none(), "{kind}");
            assert!(rules.template.metadata.contains(&format!("kind = \"{kind}\"")), "{kind}");
            // An indexed kind declares its fix and cause; a kind that
            // declares `shows` may declare them; no error kind fixes another.
            match rules.index {
                Index::Always(_) => {
                    for field in INDEX_FIELDS {
                        assert!(rules.required.contains(&field), "{kind}: {}", field.name());
                        assert!(rules.template.metadata.contains(field.name()), "{kind}");
                    }
                    assert!(!rules.passes, "{kind}");
                }
                Index::WhenDeclared => {
                    assert!(rules.allowed.contains(&Field::Shows), "{kind}");
                    assert!(rules.passes, "{kind}");
                }
                Index::Never => assert!(!rules.allowed.contains(&Field::Shows), "{kind}"),
            }
        }
    }

    #[test]
    fn only_an_exercise_is_checked_on_the_page() {
        for kind in Kind::ALL {
            let checked = kind.rules().page == PageRun::Check;
            assert_eq!(checked, kind == Kind::Exercise, "{kind}");
        }
        assert_eq!(PageRun::Check.attribute(), "check");
        assert_eq!(Kind::Tests.rules().page.attribute(), "tests");
    }

    #[test]
    fn the_exercise_template_has_the_todo_its_solution_answers() {
        let exercise = Kind::Exercise.rules().template;
        assert!(exercise.tokio.contains(EXERCISE_TODO));
        assert!(exercise.std.contains(EXERCISE_TODO));
    }

    #[test]
    fn folders_and_packages_map_one_to_one() {
        assert_eq!(
            naming::package_of_dir("listings/ch02/count-to").as_deref(),
            Some("ch02-count-to")
        );
        assert_eq!(naming::package_of_dir("listings/ch02"), None);
        assert_eq!(naming::package_of_dir("listings/ch02/x/y"), None);
        assert_eq!(naming::dir_of("ch02", "count-to"), "listings/ch02/count-to");
        assert_eq!(
            naming::package_of_file("listings/ch02/x/src/main.rs").as_deref(),
            Some("ch02-x")
        );
        assert_eq!(naming::package_of_file("listings/ch02/x"), None);
        assert_eq!(naming::package_of_file("src/img/a.svg"), None);
        assert_eq!(naming::solution_of("ch02-ex-x"), "ch02-ex-x-solution");
    }
}
