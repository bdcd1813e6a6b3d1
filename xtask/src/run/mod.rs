//! `cargo xtask test` and `cargo xtask bless`: build every listing, run it
//! as its kind says, and compare what it does with what the book shows.
//!
//! `test` is a list of checks in two stages. The first ([`FIRST`]) runs in
//! order: quick checks of the sources, then one build of everything. The
//! second ([`LANES`]) reads what the first learned and runs its lanes at the
//! same time, each lane's checks in order: most of their time is spent
//! waiting (on a listing's timers, a fixture book's cargo, a browser), so
//! on two cores they finish in about the time of the longest lane. Each
//! check reports in one shape ([`outcome::Outcome`]), and the run ends with
//! every problem, a summary line per check in the order they are declared
//! here, and `xtask: N passed, M failed`.
//!
//! The slowest checks ([`REUSABLE`]) are not run again when they passed
//! before on exactly the same inputs (`cache.rs` says what those are), and
//! their summary lines say so; `--no-cache`, and CI, run them every time.

mod bless;
mod build;
pub mod cache;
pub mod outcome;
mod verify;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

pub use bless::bless;
use build::{Compiled, Executables};
use outcome::{Outcome, Report};

use crate::book::{self, Built};
use crate::kinds::{Kind, Verify};
use crate::listings::{self, Listing};
use crate::problems::Problems;
use crate::{browser, checks, lint};

/// What the first stage's checks learn and hand on to the second's.
pub struct Context<'a> {
    root: &'a Path,
    /// The listings named on the command line (none: all).
    only: &'a [String],
    listings: Vec<Listing>,
    /// The problems in the listings' declarations, for the first check.
    declared: Problems,
    /// The listings to verify: `only`, or all.
    selected: Vec<Listing>,
    /// The workspace build: test executables, or why there are none.
    executables: Option<Executables>,
    compiled: HashMap<String, Compiled>,
    /// Where earlier passes are looked up and recorded, with this run's
    /// fingerprint; none when passes are not reused.
    reuse: Option<Reuse>,
}

/// This run's inputs, and the records of earlier passes.
struct Reuse {
    fingerprint: cache::Fingerprint,
    executables: usize,
    records: cache::Records,
}

/// What a lane's checks hand on to the next check in the same lane.
#[derive(Default)]
pub struct Lane {
    /// The book `book` built, for `links` and `pages`.
    book: Option<Built>,
}

impl Context<'_> {
    fn of_kind(&self, verify: impl Fn(Verify) -> bool) -> Vec<&Listing> {
        self.selected.iter().filter(|l| verify(l.kind.rules().verify)).collect()
    }

    /// A check that needs every listing is skipped when some were named.
    fn partial(&self) -> Option<Report> {
        (!self.only.is_empty()).then(|| {
            Report::Skipped(format!(
                "SKIPPED: only {} of {} listings verified; run `cargo xtask test` with no names \
                 before you push",
                self.selected.len(),
                self.listings.len()
            ))
        })
    }
}

/// A check of the first stage: it may record what it learns in the context.
type First = fn(&mut Context) -> Result<Report>;
/// A check of the second stage: it reads the context, and hands on to the
/// checks after it in its lane.
type Then = fn(&Context, &mut Lane) -> Result<Report>;

/// The first stage, in order: what every later check needs (the listings'
/// declarations, one build of everything) and quick checks of the sources.
pub const FIRST: &[(&str, First)] = &[
    ("listings", declarations),
    ("sources", sources),
    ("charts", charts),
    ("fmt", |cx| lint(cx, lint::fmt)),
    ("clippy", |cx| lint(cx, lint::clippy)),
    ("spelling", |cx| lint(cx, lint::spelling)),
    ("workflows", |cx| lint(cx, lint::workflows)),
    ("build", build),
];

/// The second stage: lanes that run at the same time, each in order. The
/// listings that measure real time are written to keep their order under
/// load (`cargo xtask soak --load 2` checks that they do), but not under the
/// tools' own tests, whose fork floods put hundreds of processes on the run
/// queue for seconds (a soak saw a listing of chapter 19 pass its 60 s
/// limit then): so `tools` comes after them, in their lane.
pub const LANES: &[&[(&str, Then)]] = &[
    &[("outputs", outputs), ("errors", errors), ("tests", tests), ("tools", tools)],
    &[
        ("book", book),
        ("links", links),
        ("pages", pages),
        ("pdf", pdf),
        ("script", |cx, _| Ok(browser::page_script(cx.root))),
    ],
    &[("browser", |cx, _| cx.partial().map_or_else(|| Ok(browser::run(cx.root)), Ok))],
];

/// The checks whose pass is reused on the same inputs: the slow ones, whose
/// result depends only on what the fingerprint covers (`cache.rs`). The
/// quick checks, and the build, run every time.
pub const REUSABLE: &[&str] = &["outputs", "tools", "pdf", "browser"];

/// Whether `cargo xtask test` may reuse earlier passes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Passes {
    Reuse,
    /// `--no-cache`: run every check.
    RunAll,
}

/// Every check's name, in the order the summary lists them.
pub fn check_names() -> impl Iterator<Item = &'static str> {
    FIRST
        .iter()
        .map(|(name, _)| *name)
        .chain(LANES.iter().flat_map(|lane| lane.iter().map(|(name, _)| *name)))
}

/// `cargo xtask test [package...]`. With names, only those listings are
/// built and verified (the quick loop while writing one); every book-wide
/// check still runs, and the summary says what was left out.
pub fn test(root: &Path, only: &[String], passes: Passes) -> Result<()> {
    let started = Instant::now();
    let (listings, declared) = listings::discover(root)?;
    let selected = select(&listings, only)?;
    let mut cx = Context {
        root,
        only,
        listings,
        declared,
        selected,
        executables: None,
        compiled: HashMap::new(),
        reuse: None,
    };
    let mut outcomes = Vec::new();
    for (name, check) in FIRST {
        eprintln!("{name} ...");
        let (report, time) = timed(|| check(&mut cx));
        outcomes.push(Outcome::new(name, report, time));
    }
    cx.reuse = reuse(&cx, passes);
    let cx = &cx;
    let lanes: Vec<Vec<Outcome>> = std::thread::scope(|scope| {
        let running: Vec<_> = LANES
            .iter()
            .map(|lane| {
                let handle = scope.spawn(move || {
                    let mut state = Lane::default();
                    let mut outcomes = Vec::new();
                    for (name, check) in *lane {
                        eprintln!("{name} ...");
                        let (report, time) =
                            timed(|| run_or_reuse(cx, name, || check(cx, &mut state)));
                        eprintln!("{name} done ({:.1} s)", time.as_secs_f64());
                        outcomes.push(Outcome::new(name, report, time));
                    }
                    outcomes
                });
                (lane, handle)
            })
            .collect();
        running
            .into_iter()
            .map(|(lane, handle)| {
                handle.join().unwrap_or_else(|_| {
                    // The panic's message is above; every check of the lane
                    // is reported failed, none silently missing.
                    lane.iter()
                        .map(|(name, _)| {
                            let err = anyhow::anyhow!("its lane's thread panicked (message above)");
                            Outcome::new(name, Err(err), Duration::ZERO)
                        })
                        .collect()
                })
            })
            .collect()
    });
    outcomes.extend(lanes.into_iter().flatten());

    eprintln!();
    let problems: Vec<_> = outcomes.iter().flat_map(|o| o.problems.iter()).collect();
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    if !problems.is_empty() {
        eprintln!();
    }
    println!("summary of cargo xtask test ({:.1} s)", started.elapsed().as_secs_f64());
    for outcome in &outcomes {
        println!("  {}", outcome.line());
    }
    let reused: Vec<&str> = outcomes.iter().filter(|o| o.reused).map(|o| o.name).collect();
    if let (false, Some(reuse)) = (reused.is_empty(), &cx.reuse) {
        println!(
            "xtask: {} not run again: each passed before on these same inputs (fingerprint {} of \
             {} files, {} executables, the toolchain and the machine); \
             `cargo xtask test --no-cache` runs them",
            reused.join(", "),
            reuse.fingerprint.short(),
            reuse.fingerprint.files,
            reuse.executables,
        );
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let passed = outcomes.iter().filter(|o| o.passed() && !o.skipped).count();
    // The plain closing line CI reads.
    println!("xtask: {passed} passed, {failed} failed");
    if !problems.is_empty() {
        bail!("{} problem(s), listed above", problems.len());
    }
    Ok(())
}

/// Whether this run reuses passes, and its fingerprint if it does: only a
/// whole run (named listings verify less), outside CI, once everything
/// built, and not with `--no-cache`.
fn reuse(cx: &Context, passes: Passes) -> Option<Reuse> {
    let executables = cx.executables.as_ref()?;
    if passes == Passes::RunAll || crate::in_ci() || !cx.only.is_empty() {
        return None;
    }
    let target = build::target_dir(cx.root);
    let mut files: Vec<std::path::PathBuf> =
        executables.values().flat_map(|(_, exes)| exes.iter().cloned()).collect();
    files.extend(
        cx.listings
            .iter()
            .filter_map(|l| l.bin.as_deref())
            .map(|bin| target.join("debug").join(bin))
            .filter(|exe| exe.is_file()),
    );
    let started = Instant::now();
    let fingerprint = cache::fingerprint(cx.root, &files)
        .inspect_err(|err| {
            eprintln!("warning: every check runs: no fingerprint of the inputs: {err:#}");
        })
        .ok()?;
    eprintln!(
        "fingerprint of the inputs: {} ({:.1} s)",
        fingerprint.short(),
        started.elapsed().as_secs_f64()
    );
    Some(Reuse {
        fingerprint,
        executables: files.len(),
        records: cache::Records::at(target.join("xtask-cache")),
    })
}

/// Runs a check, or reuses its pass on the same inputs; records a pass.
fn run_or_reuse(
    cx: &Context,
    name: &str,
    check: impl FnOnce() -> Result<Report>,
) -> Result<Report> {
    let Some(reuse) = cx.reuse.as_ref().filter(|_| REUSABLE.contains(&name)) else {
        return check();
    };
    if let Some(pass) = reuse.records.find(name, &reuse.fingerprint) {
        let age = pass.age(cache::now());
        return Ok(Report::Reused(pass.summary, age));
    }
    let report = check()?;
    if let Report::Ran(summary, problems) = &report
        && problems.is_empty()
        && let Err(err) = reuse.records.record(name, &reuse.fingerprint, summary)
    {
        eprintln!("warning: the pass of `{name}` was not recorded: {err:#}");
    }
    Ok(report)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

/// The listings named (all when none are), or an error naming an unknown one.
fn select(listings: &[Listing], only: &[String]) -> Result<Vec<Listing>> {
    for package in only {
        if !listings.iter().any(|l| &l.package == package) {
            bail!("no listing is named `{package}` (names look like ch02-count-to)");
        }
    }
    Ok(listings.iter().filter(|l| only.is_empty() || only.contains(&l.package)).cloned().collect())
}

/// What the listings declare about themselves.
fn declarations(cx: &mut Context) -> Result<Report> {
    let counts = listings::count_by_kind(&cx.listings);
    let mut by_kind = String::new();
    for kind in Kind::ALL {
        let separator = if by_kind.is_empty() { "" } else { ", " };
        let _ = write!(by_kind, "{separator}{kind} {}", counts.get(&kind).copied().unwrap_or(0));
    }
    // The error index's entries, by group (Appendix A; error_index.rs).
    let mut indexed = String::new();
    for group in crate::kinds::Group::ALL {
        let n = cx.listings.iter().filter(|l| l.index_group() == Some(group)).count();
        let separator = if indexed.is_empty() { "" } else { ", " };
        let _ = write!(indexed, "{separator}{} {n}", group.title().to_lowercase());
    }
    Ok(Report::ran(
        format!("{} ({by_kind}); error index: {indexed}", cx.listings.len()),
        std::mem::take(&mut cx.declared),
    ))
}

/// The chapters' sources against the listings.
fn sources(cx: &mut Context) -> Result<Report> {
    let (sources, mut problems) = checks::check_sources(cx.root, &cx.listings)?;
    problems.extend(checks::check_exercises(&cx.listings));
    problems.extend(crate::hints::check(&cx.listings));
    let in_sources = problems.len();
    let network = checks::check_no_internet(cx.root, &cx.listings);
    let verdict = match (in_sources, network.len()) {
        (0, 0) => "every include resolved, every listing shown, exercises match their solutions \
                   and have hints, no inline Rust, no internet"
            .to_string(),
        (sources, network) => format!(
            "{sources} problem(s) in chapters, anchors and exercises, {network} listing(s) \
             reaching beyond loopback"
        ),
    };
    problems.extend(network);
    Ok(Report::ran(
        format!("{} chapter files, {} includes; {verdict}", sources.chapters, sources.includes),
        problems,
    ))
}

/// Every chart a listing declares is committed and is exactly what its
/// committed output draws (`chart.rs`).
fn charts(cx: &mut Context) -> Result<Report> {
    let (compared, problems) = crate::chart::check(cx.root, &cx.listings);
    Ok(Report::ran(format!("{compared} drawn again from their data and compared"), problems))
}

fn lint(cx: &mut Context, lint: lint::Lint) -> Result<Report> {
    let mut problems = Problems::default();
    match lint(cx.root, &mut problems)? {
        lint::Ran::Done(summary) => Ok(Report::ran(summary, problems)),
        lint::Ran::Skipped(summary) => Ok(Report::Skipped(summary)),
    }
}

/// Builds everything once: every binary and test executable.
fn build(cx: &mut Context) -> Result<Report> {
    let mut problems = Problems::default();
    let without_tests: Vec<&str> = cx
        .listings
        .iter()
        .filter(|l| !l.kind.rules().verify.needs_test_executables())
        .map(|l| l.package.as_str())
        .collect();
    match build::build_workspace(cx.root, cx.only, build::Tests::Except(&without_tests)) {
        Ok(executables) => cx.executables = Some(executables),
        Err(err) => problems.at(
            "Cargo.toml",
            format!("the workspace does not build, so no listing was run: {err:#}"),
        ),
    }
    let failing = cx.of_kind(|v| v == Verify::CompileError);
    match build::compile_errors(cx.root, &failing) {
        Ok(compiled) => cx.compiled = compiled,
        Err(err) => problems.at("listings/", format!("{err:#}")),
    }
    let tested =
        cx.selected.iter().filter(|l| l.kind.rules().verify.needs_test_executables()).count();
    let built = if cx.only.is_empty() {
        format!("every crate built, with the tests of the tools and of {tested} listings")
    } else {
        format!("the named listings built, with the tests of {tested} of them")
    };
    Ok(Report::ran(format!("{built}; does-not-compile listings compiled"), problems))
}

/// Runs the `runs` and `panics` listings and compares their output: those
/// whose output cannot depend on timing side by side, then each listing
/// that measures real time alone.
fn outputs(cx: &Context, _: &mut Lane) -> Result<Report> {
    if cx.executables.is_none() {
        return Ok(Report::Skipped("not run: the workspace does not build".into()));
    }
    let runs = cx.of_kind(|v| matches!(v, Verify::Run { .. }));
    let (alone, side_by_side): (Vec<&Listing>, Vec<&Listing>) =
        runs.iter().partition(|l| l.runs_alone());
    let mut problems = Problems::default();
    for found in verify::in_parallel(&side_by_side, |l| verify::verify_run(cx.root, l)) {
        problems.extend(found);
    }
    for listing in &alone {
        problems.extend(verify::verify_run(cx.root, listing));
    }
    Ok(Report::ran(
        format!(
            "{} compared (stdout of runs and panics listings; {} side by side, {} alone)",
            runs.len(),
            side_by_side.len(),
            alone.len()
        ),
        problems,
    ))
}

/// Compares the compiler's messages of the does-not-compile listings (and
/// counts the panic messages `outputs` compared).
fn errors(cx: &Context, _: &mut Lane) -> Result<Report> {
    let failing = cx.of_kind(|v| v == Verify::CompileError);
    let panics = cx.selected.iter().filter(|l| l.panic.is_some()).count();
    let mut problems = Problems::default();
    for listing in &failing {
        // A listing missing here was reported by the build.
        if let Some(compiled) = cx.compiled.get(&listing.package) {
            problems.extend(verify::verify_compile_error(listing, compiled));
        }
    }
    Ok(Report::ran(
        format!("{} compared (compiler errors and panic messages)", failing.len() + panics),
        problems,
    ))
}

/// Runs the tests of the `tests` and `serves` listings.
fn tests(cx: &Context, _: &mut Lane) -> Result<Report> {
    let Some(executables) = &cx.executables else {
        return Ok(Report::Skipped("not run: the workspace does not build".into()));
    };
    let tested = cx.of_kind(|v| v == Verify::Tests);
    let results = verify::in_parallel(&tested, |listing| {
        verify::verify_tests(listing, executables.get(&listing.package).map(|(_, exes)| exes))
    });
    let mut problems = Problems::default();
    let mut passed = 0;
    for (n, found) in results {
        passed += n;
        problems.extend(found);
    }
    Ok(Report::ran(format!("{passed} passed in {} tests/serves listings", tested.len()), problems))
}

/// The tools' own tests (xtask's fixture books, the playground): every test
/// executable of a package that is not a listing, all at once (they mostly
/// wait, on cargo in a fixture book or on a timeout the playground must
/// enforce).
fn tools(cx: &Context, _: &mut Lane) -> Result<Report> {
    if let Some(skipped) = cx.partial() {
        return Ok(skipped);
    }
    let Some(executables) = &cx.executables else {
        return Ok(Report::Skipped("not run: the workspace does not build".into()));
    };
    let mut runs: Vec<(&str, &Path, &Path)> = executables
        .iter()
        .filter(|(package, _)| !cx.listings.iter().any(|l| &l.package == *package))
        .flat_map(|(package, (dir, exes))| {
            exes.iter().map(move |exe| (package.as_str(), dir.as_path(), exe.as_path()))
        })
        .collect();
    runs.sort();
    let results: Vec<(&str, Result<usize>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(package, dir, exe)| {
                let exe = exe.to_path_buf();
                (*package, scope.spawn(move || verify::run_test_executables(package, dir, &[exe])))
            })
            .collect();
        handles
            .into_iter()
            .map(|(package, handle)| {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the test runner thread panicked")));
                (package, result)
            })
            .collect()
    });
    let mut problems = Problems::default();
    let mut passed = 0;
    for (package, result) in results {
        match result {
            Ok(n) => passed += n,
            Err(err) => problems.at(package, format!("{err:#}")),
        }
    }
    Ok(Report::ran(format!("{passed} tests of the book's own tools passed"), problems))
}

/// The book built without warnings, into a private folder (not `book/`,
/// which `cargo xtask serve` and other runs rebuild), read by `links` and
/// `pages` and removed at the end of the run.
fn book(cx: &Context, lane: &mut Lane) -> Result<Report> {
    let mut problems = Problems::default();
    match book::build_private(cx.root) {
        Ok(built) => {
            if built.warnings > 0 {
                problems.at(
                    "book.toml",
                    format!(
                        "mdBook printed {} warning(s), shown above; the book must build without any",
                        built.warnings
                    ),
                );
            }
            let summary = format!("built with {} warning(s)", built.warnings);
            lane.book = Some(built);
            Ok(Report::ran(summary, problems))
        }
        Err(err) => {
            problems.at("book.toml", format!("the book does not build: {err:#}"));
            Ok(Report::ran("does not build", problems))
        }
    }
}

/// Every internal link and `#fragment` in the rendered HTML resolves.
fn links(cx: &Context, lane: &mut Lane) -> Result<Report> {
    let Some(built) = &lane.book else {
        return Ok(Report::Skipped("not run: the book does not build".into()));
    };
    let (links, problems) = checks::check_links(cx.root, &built.html_dir)?;
    Ok(Report::ran(
        format!("{} internal links checked in {} pages", links.links, links.pages),
        problems,
    ))
}

/// The built book printed to one PDF whose outline is SUMMARY.md's pages
/// (`pdf.rs`). Like the browser tests, not for a fixture book (no
/// tests/browser) nor when only some listings were named.
fn pdf(cx: &Context, lane: &mut Lane) -> Result<Report> {
    if let Some(skipped) = cx.partial() {
        return Ok(skipped);
    }
    if !cx.root.join("tests").join("browser").is_dir() {
        return Ok(Report::Skipped("skipped: the book has no tests/browser".into()));
    }
    let Some(built) = &lane.book else {
        return Ok(Report::Skipped("not run: the book does not build".into()));
    };
    Ok(crate::pdf::check(cx.root, &built.html_dir))
}

/// No page shows what only the recording machine has.
fn pages(cx: &Context, lane: &mut Lane) -> Result<Report> {
    let Some(built) = &lane.book else {
        return Ok(Report::Skipped("not run: the book does not build".into()));
    };
    let (pages, problems) = checks::check_machine_independent(cx.root, &built.html_dir)?;
    Ok(Report::ran(
        format!("{pages} pages show no machine's paths, registry folders or thread ids"),
        problems,
    ))
}
