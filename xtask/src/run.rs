//! `cargo xtask test` and `cargo xtask bless`: build every listing, run it
//! as its kind says, and compare what it does with what the book shows.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::listings::{self, COMPILE_ERROR_FEATURE, Kind, Listing};
use crate::problems::{Problems, indent};
use crate::{book, checks, lint};

/// A listing that runs longer than this is stopped and reported.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    lines: Vec<String>,
}

impl Tally {
    fn record(&mut self, ok: bool) {
        if ok { self.passed += 1 } else { self.failed += 1 }
    }
}

/// `cargo xtask test [package...]`. With names, only those listings are
/// built and verified (the quick loop while writing one); every book-wide
/// check still runs, and the summary says what was left out.
pub fn test(root: &Path, only: &[String]) -> Result<()> {
    let started = Instant::now();
    let mut problems = Problems::default();
    let mut tally = Tally::default();

    // 1. What the listings declare about themselves.
    let (listings, declared) = listings::discover(root)?;
    tally.record(declared.is_empty());
    problems.extend(declared);
    let counts = listings::count_by_kind(&listings);
    let mut by_kind = String::new();
    for kind in Kind::ALL {
        let _ = write!(
            by_kind,
            "{}{kind} {}",
            if by_kind.is_empty() { "" } else { ", " },
            counts.get(&kind).copied().unwrap_or(0)
        );
    }
    tally.lines.push(format!("listings  {} ({by_kind})", listings.len()));
    for package in only {
        if !listings.iter().any(|l| &l.package == package) {
            bail!("no listing is named `{package}` (names look like ch02-count-to)");
        }
    }
    let selected: Vec<Listing> =
        listings.iter().filter(|l| only.is_empty() || only.contains(&l.package)).cloned().collect();

    // 2. The chapters' sources against the listings.
    let (sources, source_problems) = checks::check_sources(root, &listings)?;
    let source_count = source_problems.len();
    tally.record(source_problems.is_empty());
    problems.extend(source_problems);
    let exercises = checks::check_exercises(&listings);
    let source_count = source_count + exercises.len();
    tally.record(exercises.is_empty());
    problems.extend(exercises);
    let network = checks::check_no_internet(root, &listings);
    let network_count = network.len();
    tally.record(network.is_empty());
    problems.extend(network);
    let verdict = match (source_count, network_count) {
        (0, 0) => {
            "every include resolved, every listing shown, exercises match their solutions, no inline Rust, no internet".to_string()
        }
        (sources, network) => format!(
            "FAILED: {sources} problem(s) in chapters, anchors and exercises, {network} listing(s) reaching beyond loopback"
        ),
    };
    tally.lines.push(format!(
        "sources   {} chapter files, {} includes; {verdict}",
        sources.chapters, sources.includes
    ));

    // 2b. Lints a pull request must pass: fmt, clippy, spelling, workflows.
    for outcome in lint::run(root, &mut problems) {
        tally.record(outcome.ok);
        tally.lines.push(outcome.line);
    }

    // 3. Build everything once, then verify each listing by its kind.
    eprintln!("building the workspace ...");
    let build_started = Instant::now();
    match build_workspace(root, only) {
        Ok(executables) => {
            tally.lines.push(format!(
                "build     {} built ({:.1} s)",
                if only.is_empty() { "every crate and test" } else { "the named listings" },
                build_started.elapsed().as_secs_f64()
            ));
            verify_listings(root, &selected, &executables, &mut tally, &mut problems);
            if only.is_empty() {
                run_tool_tests(&listings, &executables, &mut tally, &mut problems);
            }
        }
        Err(err) => {
            problems.at(
                "Cargo.toml",
                format!("the workspace does not build, so no listing was run: {err:#}"),
            );
            tally.record(false);
        }
    }

    // 4. The book itself: built without warnings, every link resolves.
    eprintln!("building the book ...");
    let book_started = Instant::now();
    match book::build(root) {
        Ok(built) => {
            tally.record(built.warnings == 0);
            if built.warnings > 0 {
                problems.at("book.toml", format!("mdBook printed {} warning(s), shown above; the book must build without any", built.warnings));
            }
            let (links, link_problems) = checks::check_links(root, &built.html_dir)?;
            tally.record(link_problems.is_empty());
            problems.extend(link_problems);
            tally.lines.push(format!(
                "book      built with {} warning(s), links checked ({:.1} s)",
                built.warnings,
                book_started.elapsed().as_secs_f64()
            ));
            tally.lines.push(format!(
                "links     {} internal links checked in {} pages",
                links.links, links.pages
            ));
            match checks::check_machine_independent(root, &built.html_dir) {
                Ok((pages, found)) => {
                    tally.record(found.is_empty());
                    tally.lines.push(if found.is_empty() {
                        format!("pages     {pages} pages show no machine's paths or thread ids")
                    } else {
                        format!("pages     FAILED: {} machine-specific text(s) shown", found.len())
                    });
                    problems.extend(found);
                }
                Err(err) => {
                    tally.record(false);
                    problems.at("book/", format!("{err:#}"));
                }
            }
        }
        Err(err) => {
            tally.record(false);
            problems.at("book.toml", format!("the book does not build: {err:#}"));
        }
    }

    // 5. The Run button in headless Chromium, against `serve` (tests/browser/).
    if only.is_empty() {
        let browser = crate::serve::browser_tests(root);
        if let Some(ok) = browser.ok {
            tally.record(ok);
        }
        tally.lines.push(browser.line);
        if let Some(problem) = browser.problem {
            problems.at("tests/browser", problem);
        }
    } else {
        tally.lines.push(format!(
            "partial   only {} of {} listings verified; the tools' tests and the browser tests \
             were SKIPPED: run `cargo xtask test` with no names before you push",
            selected.len(),
            listings.len()
        ));
    }

    eprintln!();
    for problem in problems.iter() {
        eprintln!("error: {problem}");
    }
    if !problems.is_empty() {
        eprintln!();
    }
    println!("summary of cargo xtask test ({:.1} s)", started.elapsed().as_secs_f64());
    for line in &tally.lines {
        println!("  {line}");
    }
    // The plain closing line CI reads.
    println!("xtask: {} passed, {} failed", tally.passed, tally.failed);
    if !problems.is_empty() {
        bail!("{} problem(s), listed above", problems.len());
    }
    Ok(())
}

pub fn bless(root: &Path, packages: &[String]) -> Result<()> {
    let (listings, declared) = listings::discover(root)?;
    // Blessing one listing needs only that listing's declaration to be
    // right; someone else's half-written crate must not block it.
    let mut relevant = Problems::default();
    for problem in declared.iter() {
        let concerns_chosen = packages.is_empty()
            || listings.iter().any(|l| {
                packages.contains(&l.package)
                    && problem.location.starts_with(&format!("{}/", l.rel_dir))
            });
        if concerns_chosen {
            relevant.at(problem.location.clone(), problem.message.clone());
        } else {
            eprintln!("note: not blessing, so not fatal here: {problem}");
        }
    }
    relevant.into_result("listing declarations")?;
    for package in packages {
        if !listings.iter().any(|l| &l.package == package) {
            bail!("no listing is named `{package}` (names look like ch02-count-to)");
        }
    }
    let chosen: Vec<&Listing> =
        listings.iter().filter(|l| packages.is_empty() || packages.contains(&l.package)).collect();
    build_workspace(root, packages)?;
    let failing: Vec<&Listing> =
        chosen.iter().copied().filter(|l| l.kind == Kind::DoesNotCompile).collect();
    let compiled = compile_errors(root, &failing)?;
    let mut problems = Problems::default();
    let mut written = 0;
    for listing in chosen {
        match listing.kind {
            Kind::Runs | Kind::Panics => {
                let run = run_listing(root, listing)?;
                let expected_status = if listing.kind == Kind::Runs { Some(0) } else { Some(101) };
                if run.status != expected_status {
                    problems.at(
                        &listing.rel_dir,
                        format!("not blessed: {}", run.describe_status(listing.kind)),
                    );
                    continue;
                }
                write(&listing.output_file(), &run.stdout)?;
                written += 1;
                if listing.kind == Kind::Panics {
                    write(&listing.stderr_file(), &run.stderr)?;
                    written += 1;
                }
            }
            Kind::DoesNotCompile => {
                let compiled = &compiled[&listing.package];
                if compiled.succeeded {
                    problems.at(
                        &listing.rel_dir,
                        "not blessed: it compiles, but is declared does-not-compile",
                    );
                    continue;
                }
                write(&listing.stderr_file(), &compiled.rendered)?;
                written += 1;
            }
            Kind::Tests | Kind::Serves | Kind::Exercise => {}
        }
    }
    eprintln!("blessed: wrote {written} expected-output file(s); review them with `git diff`");
    problems.into_result("bless")
}

/// Writes an expected-output file in the form the book shows: without what
/// only this machine has (see [`listings::machine_independent`]).
fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, listings::machine_independent(text)).with_context(|| format!("writing {}", path.display()))
}

/// Every package's folder and test executables, keyed by package name.
type Executables = HashMap<String, (PathBuf, Vec<PathBuf>)>;

/// `cargo build` of every binary, and `cargo test --no-run` to learn where
/// each package's test executables are.
fn build_workspace(root: &Path, only: &[String]) -> Result<Executables> {
    // `--workspace`, or `-p a -p b` for the named packages only.
    let selection: Vec<String> = if only.is_empty() {
        vec!["--workspace".into()]
    } else {
        only.iter().flat_map(|p| ["-p".to_string(), p.clone()]).collect()
    };
    let status = listings::cargo(root)
        .args(["build", "--bins", "--quiet"])
        .args(&selection)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("`cargo build {}` failed (its errors are above)", selection.join(" "));
    }
    let output = listings::cargo(root)
        .args(["test", "--no-run", "--quiet", "--message-format=json-render-diagnostics"])
        .args(&selection)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo test --no-run")?;
    if !output.status.success() {
        bail!("`cargo test --no-run {}` failed (its errors are above)", selection.join(" "));
    }
    let mut executables: Executables = HashMap::new();
    for message in cargo_metadata::Message::parse_stream(&output.stdout[..]) {
        if let Ok(cargo_metadata::Message::CompilerArtifact(artifact)) = message
            && let (Some(executable), true) = (artifact.executable, artifact.profile.test)
        {
            let name = package_name_from_id(&artifact.package_id.repr);
            let dir = artifact
                .manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
                .unwrap_or_default();
            executables
                .entry(name)
                .or_insert_with(|| (dir, Vec::new()))
                .1
                .push(executable.into_std_path_buf());
        }
    }
    Ok(executables)
}

/// Package ids look like `path+file:///.../listings/ch02/count-to#ch02-count-to@0.1.0`
/// or `path+file:///.../xtask#0.1.0` (when the folder is the name).
fn package_name_from_id(id: &str) -> String {
    let (path, fragment) = id.rsplit_once('#').unwrap_or((id, ""));
    match fragment.split_once('@') {
        Some((name, _)) => name.to_string(),
        None => path.rsplit('/').next().unwrap_or(path).to_string(),
    }
}

fn verify_listings(
    root: &Path,
    listings: &[Listing],
    executables: &Executables,
    tally: &mut Tally,
    problems: &mut Problems,
) {
    let (mut outputs, mut errors, mut tests, mut tested) = (0, 0, 0, 0);
    let started = Instant::now();
    let failing: Vec<&Listing> =
        listings.iter().filter(|l| l.kind == Kind::DoesNotCompile).collect();
    let compiled = match compile_errors(root, &failing) {
        Ok(compiled) => compiled,
        Err(err) => {
            problems.at("listings/", format!("{err:#}"));
            tally.record(false);
            HashMap::new()
        }
    };
    for listing in listings {
        let before = problems.len();
        let result = match listing.kind {
            Kind::Runs | Kind::Panics => {
                let compared = verify_run(root, listing, problems);
                outputs += 1;
                if listing.kind == Kind::Panics {
                    errors += 1;
                }
                compared
            }
            Kind::DoesNotCompile => {
                errors += 1;
                match compiled.get(&listing.package) {
                    Some(compiled) => verify_compile_error(listing, compiled, problems),
                    None => Ok(()), // reported once, below the loop's start
                }
            }
            Kind::Tests | Kind::Serves => {
                tested += 1;
                run_tests(
                    listing,
                    executables.get(&listing.package).map(|(_, exes)| exes),
                    problems,
                )
                .map(|n| tests += n)
            }
            // Built (with its tests) by build_workspace; that is all a
            // starter crate promises.
            Kind::Exercise => Ok(()),
        };
        if let Err(err) = result {
            problems.at(&listing.rel_dir, format!("{err:#}"));
        }
        tally.record(problems.len() == before);
        eprint!(".");
    }
    eprintln!();
    tally.lines.push(format!("outputs   {outputs} compared (stdout of runs and panics listings)"));
    tally.lines.push(format!("errors    {errors} compared (compiler errors and panic messages)"));
    tally.lines.push(format!(
        "tests     {tests} passed in {tested} tests/serves listings (listings verified in {:.1} s)",
        started.elapsed().as_secs_f64()
    ));
}

/// The tools' own tests (xtask's fixture books, the playground): every
/// test executable of a package that is not a listing.
fn run_tool_tests(
    listings: &[Listing],
    executables: &Executables,
    tally: &mut Tally,
    problems: &mut Problems,
) {
    let started = Instant::now();
    let mut tool_tests = 0;
    let listing_packages: Vec<&str> = listings.iter().map(|l| l.package.as_str()).collect();
    let mut tools: Vec<(&String, &(PathBuf, Vec<PathBuf>))> =
        executables.iter().filter(|(p, _)| !listing_packages.contains(&p.as_str())).collect();
    tools.sort();
    // Each test executable at once: they mostly wait (on a timeout the
    // playground must enforce, on cargo in a fixture book), and the
    // listings that measure real time have all finished by now.
    let results: Vec<(&String, Result<usize>)> = std::thread::scope(|scope| {
        let running: Vec<_> = tools
            .iter()
            .flat_map(|(package, (dir, exes))| {
                exes.iter().map(move |exe| {
                    let handle = scope.spawn(move || {
                        run_test_executables(package, dir, std::slice::from_ref(exe))
                    });
                    (*package, handle)
                })
            })
            .collect();
        running
            .into_iter()
            .map(|(package, handle)| {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the test runner thread panicked")));
                (package, result)
            })
            .collect()
    });
    for (package, result) in results {
        tally.record(result.is_ok());
        match result {
            Ok(n) => tool_tests += n,
            Err(err) => problems.at(package.as_str(), format!("{err:#}")),
        }
    }
    tally.lines.push(format!(
        "tools     {tool_tests} tests of the book's own tools passed ({:.1} s)",
        started.elapsed().as_secs_f64()
    ));
}

struct Run {
    stdout: String,
    stderr: String,
    status: Option<i32>,
    timed_out: bool,
}

impl Run {
    fn describe_status(&self, kind: Kind) -> String {
        if self.timed_out {
            return format!("did not finish within {} s and was stopped", RUN_TIMEOUT.as_secs());
        }
        let got = match self.status {
            Some(0) => "exited successfully".to_string(),
            Some(101) => "panicked (exit code 101)".to_string(),
            Some(code) => format!("exited with code {code}"),
            None => "was killed by a signal".to_string(),
        };
        let wanted = if kind == Kind::Panics { "to panic" } else { "to exit successfully" };
        let mut message = format!("expected {wanted}, but it {got}");
        if !self.stderr.trim().is_empty() {
            let _ = write!(message, "; its stderr:\n{}", indent(&self.stderr));
        }
        message
    }
}

fn run_listing(root: &Path, listing: &Listing) -> Result<Run> {
    let bin = listing.bin.as_deref().context("no binary to run")?;
    let exe = target_dir(root).join("debug").join(bin);
    let mut child = Command::new(&exe)
        .args(&listing.args)
        .current_dir(root)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + RUN_TIMEOUT;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status.code(), false);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Run {
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        status,
        timed_out,
    })
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root.join("target"),
    }
}

fn verify_run(root: &Path, listing: &Listing, problems: &mut Problems) -> Result<()> {
    let run = run_listing(root, listing)?;
    let expected_status = if listing.kind == Kind::Runs { 0 } else { 101 };
    if run.status != Some(expected_status) || run.timed_out {
        problems.at(&listing.rel_dir, run.describe_status(listing.kind));
        return Ok(());
    }
    compare(listing, &listing.output_file(), &run.stdout, problems);
    if listing.kind == Kind::Panics {
        let wanted = listing.panic.as_deref().unwrap_or_default();
        if !run.stderr.contains("panicked at") || !run.stderr.contains(wanted) {
            problems.at(
                &listing.rel_dir,
                format!(
                    "expected a panic whose message contains `{wanted}` (declared in Cargo.toml), but stderr was:\n{}",
                    indent(&run.stderr)
                ),
            );
        } else {
            compare(listing, &listing.stderr_file(), &run.stderr, problems);
        }
    }
    Ok(())
}

/// Compares `actual` with the committed file, both normalized by the
/// listing's rules, and reports a diff on mismatch.
fn compare(listing: &Listing, expected_file: &Path, actual: &str, problems: &mut Problems) {
    let name = expected_file.file_name().and_then(|n| n.to_str()).unwrap_or("output.txt");
    let location = listing.rel_file(name);
    let Ok(expected) = fs::read_to_string(expected_file) else {
        problems.at(
            &location,
            format!(
                "has not been blessed yet: run `cargo xtask bless {}` and review the file",
                listing.package
            ),
        );
        return;
    };
    let (expected, actual) = (listing.normalize(&expected), listing.normalize(actual));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, &actual);
        let mut shown = String::new();
        for change in diff.iter_all_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            let _ = write!(shown, "    {sign}{change}");
            if change.missing_newline() {
                shown.push('\n');
            }
        }
        problems.at(
            &location,
            format!(
                "the listing's output differs from what the book shows (- book, + actual{}):\n{shown}    \
                 if the new output is right, run `cargo xtask bless {}`",
                if listing.normalize.is_empty() { "" } else { ", after normalizing" },
                listing.package
            ),
        );
    }
}

struct Compiled {
    succeeded: bool,
    rendered: String,
}

/// Builds every given does-not-compile listing with its binary switched on,
/// in one cargo invocation (`--keep-going`, so rustc runs them in parallel),
/// and returns, per package, whether it compiled and the compiler's messages
/// exactly as rustc renders them.
fn compile_errors(root: &Path, listings: &[&Listing]) -> Result<HashMap<String, Compiled>> {
    let mut results: HashMap<String, Compiled> = listings
        .iter()
        .map(|l| (l.package.clone(), Compiled { succeeded: false, rendered: String::new() }))
        .collect();
    if listings.is_empty() {
        return Ok(results);
    }
    let mut command = listings::cargo(root);
    command.args(["build", "--quiet", "--keep-going", "--message-format=json", "--color=never"]);
    let mut features = Vec::new();
    for listing in listings {
        command.args(["-p", &listing.package]);
        features.push(format!("{}/{COMPILE_ERROR_FEATURE}", listing.package));
    }
    command.args(["--features", &features.join(",")]);
    let output = command.stderr(Stdio::piped()).output().context("running cargo build")?;
    for message in cargo_metadata::Message::parse_stream(&output.stdout[..]) {
        match message {
            Ok(cargo_metadata::Message::CompilerMessage(message)) => {
                let package = package_name_from_id(&message.package_id.repr);
                if let (Some(compiled), Some(text)) =
                    (results.get_mut(&package), message.message.rendered)
                {
                    compiled.rendered.push_str(&text);
                }
            }
            Ok(cargo_metadata::Message::CompilerArtifact(artifact)) => {
                let package = package_name_from_id(&artifact.package_id.repr);
                let is_bin = artifact
                    .target
                    .kind
                    .iter()
                    .any(|k| matches!(k, cargo_metadata::TargetKind::Bin));
                if let (Some(compiled), true) = (results.get_mut(&package), is_bin) {
                    compiled.succeeded = true;
                }
            }
            _ => {}
        }
    }
    // A failure of cargo itself (a bad manifest, say) produces no compiler
    // messages at all; don't mistake it for the expected error.
    if !output.status.success() && results.values().all(|c| c.rendered.is_empty()) {
        bail!(
            "cargo could not build the does-not-compile listings:\n{}",
            indent(&String::from_utf8_lossy(&output.stderr))
        );
    }
    Ok(results)
}

fn verify_compile_error(
    listing: &Listing,
    compiled: &Compiled,
    problems: &mut Problems,
) -> Result<()> {
    let expected = listing.expected_error();
    if compiled.succeeded {
        problems.at(
            format!("{}/src/main.rs", listing.rel_dir),
            format!(
                "is declared does-not-compile (expecting `{expected}`), but it compiled successfully"
            ),
        );
        return Ok(());
    }
    if !compiled.rendered.contains(&expected) {
        problems.at(
            format!("{}/Cargo.toml", listing.rel_dir),
            format!(
                "expected the compiler to report `{expected}`, but it said:\n{}",
                indent(&compiled.rendered)
            ),
        );
        return Ok(());
    }
    compare(listing, &listing.stderr_file(), &compiled.rendered, problems);
    Ok(())
}

/// Runs a listing's test executables; at least one test must run.
fn run_tests(
    listing: &Listing,
    executables: Option<&Vec<PathBuf>>,
    problems: &mut Problems,
) -> Result<usize> {
    let Some(executables) = executables else {
        problems.at(&listing.rel_dir, format!("a `{}` listing has no tests", listing.kind));
        return Ok(0);
    };
    let passed = run_test_executables(&listing.package, &listing.dir, executables)?;
    if passed == 0 {
        problems.at(
            &listing.rel_dir,
            format!("a `{}` listing must have at least one test, and none ran", listing.kind),
        );
    }
    Ok(passed)
}

/// Runs test executables as `cargo test` would (from the package folder) and
/// returns how many tests passed.
fn run_test_executables(package: &str, dir: &Path, executables: &[PathBuf]) -> Result<usize> {
    let mut passed = 0;
    for exe in executables {
        let output = Command::new(exe)
            .current_dir(dir)
            .env("CARGO_MANIFEST_DIR", dir)
            .env("CARGO_PKG_NAME", package)
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", exe.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "tests failed ({}):\n{}{}",
                exe.file_name().unwrap_or_default().to_string_lossy(),
                indent(&stdout),
                indent(&String::from_utf8_lossy(&output.stderr))
            );
        }
        for line in stdout.lines() {
            if let Some(rest) = line.strip_prefix("test result: ok. ") {
                passed += rest.split(' ').next().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
            }
        }
    }
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_come_out_of_package_ids() {
        assert_eq!(
            package_name_from_id("path+file:///w/listings/ch02/count-to#ch02-count-to@0.1.0"),
            "ch02-count-to"
        );
        assert_eq!(package_name_from_id("path+file:///w/xtask#0.1.0"), "xtask");
    }
}
