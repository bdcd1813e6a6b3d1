//! `cargo xtask soak [N] [--offline] [--load K]`: the whole `cargo xtask
//! test`, N times in a row, to catch what fails only now and then (a race,
//! a thin timing margin, a port or folder two things share).
//!
//! Each run is this same xtask binary (`xtask test`) in a process group of
//! its own, bounded by a timeout, its stdout and stderr going to
//! `target/soak/<timestamp>/run-<i>.log`; the log of a run that passed is
//! removed, the log of one that failed is kept and named. The tally counts,
//! per check, how often it failed, read from each run's summary lines.
//!
//! `--offline` runs each in a network namespace with only loopback up: as
//! root `unshare --net` then `ip link set lo up`; as another user the same
//! inside a user namespace that maps them to root (so they may bring `lo`
//! up), then a nested one that maps them back to themselves (so the
//! playground's sandbox sees the user it really is). A probe proves the
//! isolation before the first run; without it the soak stops, never running
//! online instead.
//!
//! `--load K` starts K busy-loop processes for the whole soak. They are
//! killed when it ends, on an error, a panic, a Ctrl-C or a SIGTERM, and the
//! kernel kills them if this process dies any other way (`setpriv
//! --pdeathsig KILL`).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};

/// What `cargo xtask soak` was asked to do.
pub struct Options {
    pub runs: usize,
    pub offline: bool,
    pub load: usize,
    pub timeout: Duration,
}

/// The processes a Ctrl-C or SIGTERM must kill: the hogs, and the process
/// group of the run in progress.
static TO_KILL: Mutex<Processes> = Mutex::new(Processes { hogs: Vec::new(), run: None });

struct Processes {
    hogs: Vec<u32>,
    run: Option<u32>,
}

fn kill(target: &str) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Kills the run in progress (its whole process group) and the hogs.
fn kill_everything() {
    let mut to_kill = TO_KILL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(group) = to_kill.run.take() {
        kill(&format!("-{group}"));
    }
    for hog in to_kill.hogs.drain(..) {
        kill(&hog.to_string());
    }
}

/// The CPU hogs; killed and reaped when dropped (also on a panic).
struct Hogs(Vec<Child>);

impl Hogs {
    fn start(count: usize) -> Result<Hogs> {
        let mut hogs = Hogs(Vec::new());
        for _ in 0..count {
            // A plain busy loop. `--pdeathsig KILL`: should this process
            // die without running any of its cleanup (SIGKILL), the kernel
            // kills the hog.
            let child = Command::new("setpriv")
                .args(["--pdeathsig", "KILL", "--", "sh", "-c", "while :; do :; done"])
                .stdin(Stdio::null())
                .spawn()
                .context("starting a CPU hog (`setpriv`, from util-linux)")?;
            TO_KILL.lock().unwrap_or_else(|e| e.into_inner()).hogs.push(child.id());
            hogs.0.push(child);
        }
        Ok(hogs)
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        let mut to_kill = TO_KILL.lock().unwrap_or_else(|e| e.into_inner());
        for hog in &mut self.0 {
            let _ = hog.kill();
            let _ = hog.wait();
            to_kill.hogs.retain(|&pid| pid != hog.id());
        }
    }
}

/// On Ctrl-C or SIGTERM: kill the run and the hogs, then exit.
fn kill_on_signal() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut interrupt), Ok(mut terminate)) =
                (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
            else {
                return;
            };
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            eprintln!("\nsoak: interrupted; killing the run in progress and the CPU hogs");
            kill_everything();
            std::process::exit(130);
        });
    });
    Ok(())
}

/// How each run is isolated from the network: the command prefix, and the
/// sentence that says so.
struct Isolation {
    prefix: Vec<String>,
    said: String,
}

/// The prefix that runs a command in a network namespace with only
/// loopback up, proven by a probe, or an error saying why it cannot be had.
fn offline() -> Result<Isolation> {
    let uid = id("-u")?;
    let (prefix, how): (Vec<String>, String) = if uid == "0" {
        (
            ["unshare", "--net", "--", "sh", "-c", "ip link set lo up && exec \"$@\"", "offline"]
                .map(String::from)
                .to_vec(),
            "as root: `unshare --net`, `ip link set lo up`".to_string(),
        )
    } else {
        let gid = id("-g")?;
        let inner = format!(
            "ip link set lo up && exec unshare --user --map-user={uid} --map-group={gid} -- \"$@\""
        );
        (
            vec![
                "unshare".into(),
                "--user".into(),
                "--map-root-user".into(),
                "--net".into(),
                "--".into(),
                "sh".into(),
                "-c".into(),
                inner,
                "offline".into(),
            ],
            format!(
                "as user {uid}: `unshare --user --map-root-user --net`, `ip link set lo up`, then \
                 a nested user namespace mapping back to user {uid}"
            ),
        )
    };
    let probe = Command::new(&prefix[0])
        .args(&prefix[1..])
        .args(["ip", "-o", "link", "show"])
        .output()
        .context("running `unshare` (util-linux) for --offline")?;
    let links = String::from_utf8_lossy(&probe.stdout);
    let interfaces: Vec<&str> =
        links.lines().filter_map(|l| l.split(':').nth(1)).map(str::trim).collect();
    let lo_up = links.lines().any(|l| l.contains(" lo:") && l.contains(",UP"));
    if !probe.status.success() || interfaces != ["lo"] || !lo_up {
        bail!(
            "--offline: no network namespace with only loopback up could be made here ({how}): \
             `ip -o link show` inside it exited with {} and printed:\n{links}{}\n\
             Not running online instead. Run as root, or allow unprivileged user namespaces \
             (sysctl user.max_user_namespaces, kernel.apparmor_restrict_unprivileged_userns).",
            probe.status,
            String::from_utf8_lossy(&probe.stderr)
        );
    }
    Ok(Isolation {
        prefix,
        said: format!(
            "OFFLINE: each run in its own network namespace with only loopback up ({how}); \
             probed: `ip -o link show` lists only `lo`, UP"
        ),
    })
}

fn id(flag: &str) -> Result<String> {
    let out = Command::new("id").arg(flag).output().context("running `id`")?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// What one run's summary said: `(check, failed)` per summary line, and the
/// closing `xtask: N passed, M failed` line.
#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    pub checks: Vec<(String, bool)>,
    pub closing: Option<String>,
}

/// Reads the summary of `cargo xtask test` from a run's whole output: the
/// lines after `summary of cargo xtask test`, each `  <check> <summary>`,
/// `FAILED: ` first when it failed.
pub fn parse_summary(log: &str) -> Summary {
    let mut summary = Summary::default();
    let mut in_summary = false;
    for line in log.lines() {
        if line.starts_with("summary of cargo xtask test") {
            in_summary = true;
            summary.checks.clear();
        } else if in_summary && let Some(rest) = line.strip_prefix("  ") {
            let mut words = rest.splitn(2, ' ');
            let name = words.next().unwrap_or("").to_string();
            let failed = words.next().unwrap_or("").trim_start().starts_with("FAILED");
            summary.checks.push((name, failed));
        } else if line.starts_with("xtask: ") && line.contains(" passed, ") {
            summary.closing = Some(line.to_string());
            in_summary = false;
        } else {
            in_summary = false;
        }
    }
    summary
}

/// How one run ended.
enum Ended {
    Finished { success: bool, summary: Summary },
    TimedOut { summary: Summary },
}

pub fn soak(root: &Path, options: &Options) -> Result<()> {
    if options.runs == 0 {
        bail!("soak: give at least one run (`cargo xtask soak 30`)");
    }
    let started = Instant::now();
    let exe = std::env::current_exe().context("finding the xtask executable")?;
    let isolation = if options.offline {
        for (needed, what) in [(
            root.join("tests/browser/node_modules/playwright-core"),
            "the browser tests' npm packages",
        )] {
            if root.join("tests/browser").is_dir() && !needed.is_dir() {
                bail!(
                    "--offline: {what} are not installed ({} is missing) and cannot be fetched \
                     offline; run `cargo xtask test` once online first",
                    needed.display()
                );
            }
        }
        let typos = fs::read_dir(crate::files::repository_root().join(".tools"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("typos-"));
        if !typos {
            bail!(
                "--offline: the spell checker is not installed in .tools/ and cannot be fetched \
                 offline; run `cargo xtask test` once online first"
            );
        }
        offline()?
    } else {
        Isolation {
            prefix: Vec::new(),
            said: "ONLINE: no network isolation (add --offline to cut the network)".to_string(),
        }
    };
    let folder = root.join("target").join("soak").join(timestamp(SystemTime::now()));
    fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    eprintln!(
        "soak: {} run(s) of `cargo xtask test`, each at most {} s",
        options.runs,
        options.timeout.as_secs()
    );
    eprintln!("soak: isolation: {}", isolation.said);
    eprintln!(
        "soak: load: {}",
        if options.load == 0 {
            "none".to_string()
        } else {
            format!("{} CPU hog(s) (busy loops) for the whole soak", options.load)
        }
    );
    eprintln!("soak: logs of failing runs go to {}", folder.display());

    kill_on_signal()?;
    let hogs = Hogs::start(options.load)?;

    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut failed_runs = 0;
    for i in 1..=options.runs {
        let log = folder.join(format!("run-{i}.log"));
        let run_started = Instant::now();
        let ended = run_once(root, &exe, &isolation.prefix, &log, options.timeout)?;
        let took = run_started.elapsed().as_secs();
        let (failed, summary, how) = match ended {
            Ended::Finished { success, summary } => {
                (!success, summary, if success { "passed" } else { "FAILED" })
            }
            Ended::TimedOut { summary } => (true, summary, "TIMED OUT"),
        };
        for (check, check_failed) in &summary.checks {
            if *check_failed {
                *failures.entry(check.clone()).or_default() += 1;
            }
        }
        if failed && !summary.checks.iter().any(|(_, f)| *f) {
            *failures.entry("(no failed check in its summary)".to_string()).or_default() += 1;
        }
        let closing = summary.closing.as_deref().unwrap_or("no `xtask:` summary line");
        if failed {
            failed_runs += 1;
            eprintln!(
                "soak: run {i}/{}: {how} in {took} s ({closing}); log: {}",
                options.runs,
                log.display()
            );
            kept.push(log);
        } else {
            let _ = fs::remove_file(&log);
            eprintln!("soak: run {i}/{}: {how} in {took} s ({closing})", options.runs);
        }
    }
    drop(hogs);

    let wall = started.elapsed().as_secs();
    println!(
        "soak: {} run(s), {} passed, {failed_runs} failed, in {}m{:02}s ({}; load {})",
        options.runs,
        options.runs - failed_runs,
        wall / 60,
        wall % 60,
        if options.offline { "offline" } else { "online" },
        options.load
    );
    println!("soak: failures per check (of {} runs):", options.runs);
    for name in crate::run::check_names() {
        println!("  {name:<9} {}", failures.remove(name).unwrap_or(0));
    }
    for (other, count) in &failures {
        println!("  {other} {count}");
    }
    for log in &kept {
        println!("soak: failing run's log: {}", log.display());
    }
    if kept.is_empty() {
        let _ = fs::remove_dir(&folder);
    }
    if failed_runs > 0 {
        bail!("{failed_runs} of {} run(s) failed; their logs are listed above", options.runs);
    }
    Ok(())
}

/// One `xtask test` in its own process group, output to `log`, killed
/// (the whole group) at `timeout`.
fn run_once(
    root: &Path,
    exe: &Path,
    prefix: &[String],
    log: &Path,
    timeout: Duration,
) -> Result<Ended> {
    let file = fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let mut command = match prefix.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(exe);
            command
        }
        None => Command::new(exe),
    };
    command
        .arg("--root")
        .arg(root)
        // Every run runs every check: a reused pass would soak nothing.
        .args(["test", "--no-cache"])
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .process_group(0);
    let mut child = command.spawn().context("starting `xtask test`")?;
    TO_KILL.lock().unwrap_or_else(|e| e.into_inner()).run = Some(child.id());
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // The group goes in every case: whatever the run left behind in it.
    kill(&format!("-{}", child.id()));
    TO_KILL.lock().unwrap_or_else(|e| e.into_inner()).run = None;
    let status = match status {
        Some(status) => Some(status),
        None => {
            let _ = child.wait();
            None
        }
    };
    let text = fs::read(log).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let summary = parse_summary(&text);
    // The run's summary, as it printed it, above the soak's line for it.
    if let Some(at) = text.rfind("summary of cargo xtask test") {
        for line in text[at..].lines().take_while(|l| !l.starts_with("error: ")) {
            eprintln!("    | {line}");
        }
    }
    Ok(match status {
        Some(status) => Ended::Finished { success: status.success(), summary },
        None => {
            use std::io::Write as _;
            let mut file = fs::OpenOptions::new().append(true).open(log)?;
            writeln!(
                file,
                "\nsoak: KILLED after {} s: the run did not finish in time",
                timeout.as_secs()
            )?;
            Ended::TimedOut { summary }
        }
    })
}

/// `20261130T051500Z` (UTC), for the soak's folder.
fn timestamp(now: SystemTime) -> String {
    let secs = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_read_check_by_check() {
        let log = "outputs ...\nerror: playground: a test failed\n\nsummary of cargo xtask test (12.0 s)\n  \
                   listings  3 (runs 3) (0.1 s)\n  tools     FAILED: could not run (1.5 s)\n  \
                   browser   SKIPPED: no Chromium (0.0 s)\nxtask: 1 passed, 1 failed\n";
        let summary = parse_summary(log);
        assert_eq!(
            summary,
            Summary {
                checks: vec![
                    ("listings".into(), false),
                    ("tools".into(), true),
                    ("browser".into(), false)
                ],
                closing: Some("xtask: 1 passed, 1 failed".into()),
            }
        );
        assert_eq!(parse_summary("killed half-way"), Summary::default());
    }

    #[test]
    fn the_folder_is_named_after_the_utc_time() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_996_800 + 5 * 3600 + 62);
        assert_eq!(timestamp(at), "20261130T050102Z");
    }
}
