//! `cargo xtask bench-playground`: how long a Run on the local playground
//! takes, next to a bare `rustc` compile of the same code against the same
//! prebuilt crates, measured in the same run, pair by pair.
//!
//! A Run is timed from sending `POST /execute` to having the whole reply:
//! the queue, writing the file, rustc, running the program, and HTTP. The
//! bare compile is the very rustc command line a Run uses
//! (`Playground::rustc_command`), started from here. Their ratio is the
//! playground's overhead; the goal is a p50 of at most 1.3. These edited
//! Runs are the listings with a comment added, so they compile.
//!
//! Then the same listings unedited, as the book's page sends them: instant
//! Run answers them with the workspace's prebuilt binaries (the playground's
//! counters must say no rustc ran). Each is timed next to the program's own
//! run time (its binary started directly from here); the goal is a p50 of
//! at most 100 ms more than the program's own.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use book_playground::{Job, Options, Playground, client};

/// The listings measured: small programs of the book that finish at once,
/// so the time is the compiler's (and ours), not the program's.
pub const LISTINGS: &[&str] = &[
    "listings/ch02/count-to",
    "listings/ch02/async-move",
    "listings/ch04/spawn-join",
    "listings/ch04/flavors",
    "listings/ch06/animal-race",
];

/// The goal for p50(Run) / p50(bare rustc).
const GOAL: f64 = 1.3;

/// The goal for an unedited listing's Run: this much more than the
/// program's own run time.
const INSTANT_GOAL: Duration = Duration::from_millis(100);

struct Sample {
    run: Duration,
    /// The bare rustc compile (edited), or the program's own run (unedited).
    bare: Duration,
}

/// `iterations` rounds of timing `run` and its reference (`bare`) on each
/// item: the samples, per item. Which goes first alternates, so neither
/// always finds a warmer cache.
fn sample_alternately<T>(
    items: &[T],
    iterations: usize,
    run: impl Fn(&T) -> Result<Duration>,
    bare: impl Fn(&T) -> Result<Duration>,
) -> Result<Vec<Vec<Sample>>> {
    let mut samples: Vec<Vec<Sample>> = items.iter().map(|_| Vec::new()).collect();
    for i in 0..iterations {
        for (item, samples) in items.iter().zip(&mut samples) {
            let sample = if i % 2 == 0 {
                let run = run(item)?;
                Sample { run, bare: bare(item)? }
            } else {
                let bare = bare(item)?;
                Sample { run: run(item)?, bare }
            };
            samples.push(sample);
        }
    }
    Ok(samples)
}

pub fn bench(root: &Path, iterations: usize) -> Result<()> {
    ensure!(iterations >= 1, "--iterations must be at least 1");
    let mut programs = Vec::new();
    for dir in LISTINGS {
        let file = root.join(dir).join("src/main.rs");
        let code = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {} (a listing the benchmark measures; see LISTINGS in xtask/src/playground_bench.rs)", file.display()))?;
        programs.push((dir.to_string(), code));
    }
    // The unedited code as the page sends it, and the edited code: the
    // same program with a comment added, which instant Run cannot answer.
    let unedited: Vec<(String, String)> = programs
        .iter()
        .map(|(name, code)| (name.clone(), book_playground::prebuilt::page_form(code).0))
        .collect();
    for (_, code) in &mut programs {
        code.push_str("\n// edited on the page\n");
    }

    eprintln!("building the playground's crates (once) ...");
    let playground = Playground::start(Options::new(root))?;
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    // As `cargo xtask serve` serves it: the site's checks and the accept
    // loop with its limits, so their cost is in the figures.
    let site = book_playground::http::site(addr, playground.router(addr)?)?;
    let cookie = playground.sign_in_cookie()?;
    let server = book_playground::http::Server::new(book_playground::http::Limits::default());
    runtime.spawn(server.serve(listener, site, std::future::pending()));

    let scratch_dir = crate::files::temp_dir("book-playground-bench-")?;
    let scratch = scratch_dir.path().to_path_buf();

    let run = |code: &str| -> Result<Duration> {
        let body = serde_json::json!({
            "channel": "stable", "mode": "debug", "edition": "2024", "crateType": "bin",
            "tests": false, "backtrace": false, "code": code,
        })
        .to_string();
        let origin = format!("http://{addr}");
        let headers = [
            ("Content-Type", "application/json"),
            ("Origin", origin.as_str()),
            ("Cookie", cookie.as_str()),
        ];
        let start = Instant::now();
        let response = client::request(
            addr,
            "POST",
            "/execute",
            &headers,
            body.as_bytes(),
            Duration::from_secs(120),
        )?;
        let took = start.elapsed();
        let reply = response.json()?;
        ensure!(response.status == 200 && reply["success"] == true, "a Run failed: {reply:#}");
        Ok(took)
    };
    let bare = |code: &str| -> Result<Duration> {
        let source = scratch.join("main.rs");
        std::fs::write(&source, code)?;
        let mut command = playground.rustc_command(&Job::bin(code), &source, &scratch.join("bare"));
        command.current_dir(&scratch);
        let start = Instant::now();
        let output = command.output().context("running rustc")?;
        let took = start.elapsed();
        ensure!(
            output.status.success(),
            "bare rustc failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(took)
    };

    // Warm the disk cache and the dynamic linker for both.
    for (_, code) in &programs {
        run(code)?;
        bare(code)?;
    }

    println!(
        "Local playground: {} listings x {iterations} iterations, rustc {}\nEdited listings (compiled):",
        programs.len(),
        rustc_version(&playground)
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "listing", "Run p50", "Run p95", "rustc p50", "rustc p95", "ratio"
    );
    let mut all: Vec<Sample> = Vec::new();
    let samples = sample_alternately(&programs, iterations, |p| run(&p.1), |p| bare(&p.1))?;
    let per_listing: Vec<(String, Vec<Sample>)> =
        programs.iter().map(|(n, _)| n.clone()).zip(samples).collect();
    for (name, samples) in &per_listing {
        let runs: Vec<Duration> = samples.iter().map(|s| s.run).collect();
        let bares: Vec<Duration> = samples.iter().map(|s| s.bare).collect();
        println!(
            "{:<28} {:>9} {:>9} {:>9} {:>9} {:>7.2}",
            name.trim_start_matches("listings/"),
            ms(percentile(&runs, 50)),
            ms(percentile(&runs, 95)),
            ms(percentile(&bares, 50)),
            ms(percentile(&bares, 95)),
            secs(percentile(&runs, 50)) / secs(percentile(&bares, 50)),
        );
    }
    for (_, samples) in per_listing {
        all.extend(samples);
    }
    let runs: Vec<Duration> = all.iter().map(|s| s.run).collect();
    let bares: Vec<Duration> = all.iter().map(|s| s.bare).collect();
    let mut ratios: Vec<f64> = all.iter().map(|s| secs(s.run) / secs(s.bare)).collect();
    ratios.sort_by(|a, b| a.total_cmp(b));
    let ratio_p50 = ratios[(ratios.len() - 1) / 2];
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>7.2}",
        "all",
        ms(percentile(&runs, 50)),
        ms(percentile(&runs, 95)),
        ms(percentile(&bares, 50)),
        ms(percentile(&bares, 95)),
        secs(percentile(&runs, 50)) / secs(percentile(&bares, 50)),
    );
    println!(
        "p50 of the per-pair ratio Run/rustc: {ratio_p50:.2} (goal <= {GOAL}: {})",
        if ratio_p50 <= GOAL { "met" } else { "NOT met" }
    );

    // Four Runs at once, as four readers pressing Run together.
    let start = Instant::now();
    let results: Vec<Result<Duration>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let code = &programs[i % programs.len()].1;
                let run = &run;
                scope.spawn(move || run(code))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("a Run thread panicked")))
            .collect()
    });
    let wall = start.elapsed();
    let failed: Vec<String> =
        results.iter().filter_map(|r| r.as_ref().err().map(|e| format!("{e:#}"))).collect();
    let latencies: Vec<String> =
        results.iter().filter_map(|r| r.as_ref().ok().map(|d| ms(*d))).collect();
    println!(
        "4 concurrent Runs: {} of 4 succeeded in {} (each: {})",
        4 - failed.len(),
        ms(wall),
        latencies.join(", ")
    );
    if !failed.is_empty() {
        bail!("concurrent Runs failed:\n{}", failed.join("\n"));
    }

    // Unedited listings: instant Run.
    let mut binaries = Vec::new();
    for (name, code) in &unedited {
        let Some(matched) = playground.prebuilt().find(code, "2024") else {
            // `listings/ch02/count-to` is the package `ch02-count-to`.
            let package = name.trim_start_matches("listings/").replacen('/', "-", 1);
            let why = playground
                .prebuilt()
                .stale_or_missing
                .iter()
                .find(|s| s.starts_with(&format!("{package} (")))
                .cloned()
                .unwrap_or_else(|| format!("{package}: not offered for instant Run"));
            bail!(
                "{name} has no fresh prebuilt binary, so its Run would compile ({why}): run \
                 `cargo build --workspace` first"
            );
        };
        binaries.push(matched.listing.binary().to_path_buf());
    }
    let own = |binary: &Path| -> Result<Duration> {
        let start = Instant::now();
        let output = std::process::Command::new(binary)
            .current_dir(&scratch)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("LANG", "C.UTF-8")
            .env("RUST_BACKTRACE", "0")
            .output()
            .with_context(|| format!("running {}", binary.display()))?;
        let took = start.elapsed();
        ensure!(output.status.success(), "{} failed: {}", binary.display(), output.status);
        Ok(took)
    };
    for ((_, code), binary) in unedited.iter().zip(&binaries) {
        run(code)?;
        own(binary)?;
    }
    let before = playground.run_counts();
    let pairs: Vec<_> = unedited.iter().zip(&binaries).collect();
    let samples =
        sample_alternately(&pairs, iterations, |((_, code), _)| run(code), |(_, b)| own(b))?;
    let per_listing: Vec<(String, Vec<Sample>)> =
        unedited.iter().map(|(n, _)| n.clone()).zip(samples).collect();
    let after = playground.run_counts();
    let unedited_runs = iterations * unedited.len();
    ensure!(
        after.compiles == before.compiles && after.prebuilt - before.prebuilt == unedited_runs,
        "of {unedited_runs} unedited Runs, {} ran a prebuilt binary and {} compiled",
        after.prebuilt - before.prebuilt,
        after.compiles - before.compiles
    );
    println!(
        "Unedited listings (instant Run, {} of {unedited_runs} Runs without rustc): click to output",
        after.prebuilt - before.prebuilt
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "listing", "Run p50", "Run p90", "own p50", "own p90", "extra p50"
    );
    let mut all: Vec<Sample> = Vec::new();
    let row = |name: &str, samples: &[Sample]| {
        let runs: Vec<Duration> = samples.iter().map(|s| s.run).collect();
        let owns: Vec<Duration> = samples.iter().map(|s| s.bare).collect();
        let extra: Vec<Duration> = samples.iter().map(|s| s.run.saturating_sub(s.bare)).collect();
        println!(
            "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9}",
            name,
            ms(percentile(&runs, 50)),
            ms(percentile(&runs, 90)),
            ms(percentile(&owns, 50)),
            ms(percentile(&owns, 90)),
            ms(percentile(&extra, 50)),
        );
        (percentile(&extra, 50), percentile(&extra, 90))
    };
    for (name, samples) in &per_listing {
        row(name.trim_start_matches("listings/"), samples);
    }
    for (_, samples) in per_listing {
        all.extend(samples);
    }
    let (extra_p50, extra_p90) = row("all", &all);
    println!(
        "Run minus the program's own run time, per pair: p50 {}, p90 {} (goal p50 < {}: {})",
        ms(extra_p50),
        ms(extra_p90),
        ms(INSTANT_GOAL),
        if extra_p50 < INSTANT_GOAL { "met" } else { "NOT met" }
    );
    drop(playground);
    Ok(())
}

fn rustc_version(playground: &Arc<Playground>) -> String {
    let crates = playground.crates();
    let tokio =
        crates.iter().find(|c| c.name == "tokio").map(|c| c.version.clone()).unwrap_or_default();
    let version = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().trim_start_matches("rustc ").to_string())
        .unwrap_or_default();
    format!("{version}, tokio {tokio}")
}

fn percentile(samples: &[Duration], p: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    // Nearest rank.
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measured_listings_exist() {
        let root = crate::files::repository_root();
        for dir in LISTINGS {
            let main = root.join(dir).join("src/main.rs");
            assert!(
                main.is_file(),
                "{} is gone: pick another small listing for LISTINGS in xtask/src/playground_bench.rs",
                main.display()
            );
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50), Duration::from_millis(10));
        assert_eq!(percentile(&samples, 95), Duration::from_millis(19));
        assert_eq!(percentile(&samples[..1], 95), Duration::from_millis(1));
    }
}
