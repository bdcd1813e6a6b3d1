//! The browser tests of the Run button and of the error index's search
//! (tests/browser/): headless Chromium,
//! driven by Node.js's test runner and playwright-core, against a `cargo
//! xtask serve --snapshot` started for them. One check of `cargo xtask test`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::problems::Problems;
use crate::run::outcome::Report;

/// A failed run: its summary line, and the problem at the tests' folder.
fn failed_at(folder: &str, line: &str, problem: String) -> Report {
    let mut problems = Problems::default();
    problems.at(folder, problem);
    Report::ran(line, problems)
}

/// Chromium: `$CHROMIUM`, or Debian's `chromium` on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    find_on_path("chromium")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Runs tests/browser/ (the Run button in headless Chromium) against a
/// `serve` started for them. Skipped, and said so, without Chromium or
/// Node.js, except in CI, where that is a failure (.ci/run installs them).
pub fn run(root: &Path) -> Report {
    let dir = root.join("tests").join("browser");
    if !dir.is_dir() {
        // A fixture book of xtask's own tests: it has no Run-button tests.
        return Report::Skipped("skipped: the book has no tests/browser".to_string());
    }
    let in_ci = crate::in_ci();
    let missing = match (find_chromium(), find_on_path("node"), find_on_path("npm")) {
        (None, ..) => Some("Chromium is not installed (apt-get install chromium)"),
        (_, None, _) | (_, _, None) => Some("Node.js is not installed"),
        _ => None,
    };
    if let Some(missing) = missing {
        if in_ci {
            return failed_at(
                "tests/browser",
                "NOT RUN",
                format!(
                    "{missing}, so the Run button was not tested; CI must run the browser tests"
                ),
            );
        }
        eprintln!("warning: SKIPPING the browser tests of the Run button: {missing}");
        return Report::Skipped(format!(
            "SKIPPED: {missing}; the Run button was not tested in a browser"
        ));
    }
    match run_browser_tests(root, &dir) {
        Ok((passed, 0)) if passed > 0 => Report::ran(
            format!(
                "{passed} browser tests passed in headless Chromium (the Run button on the \
                 local playground and a stand-in play.rust-lang.org; the error index in search; \
                 hints by keyboard; axe-core: no serious or critical violation)"
            ),
            Problems::default(),
        ),
        Ok((passed, failures)) => failed_at(
            "tests/browser",
            &format!("{passed} passed, {failures} failed"),
            format!(
                "{failures} browser test(s) failed and {passed} passed (their output is above)"
            ),
        ),
        Err(err) => failed_at("tests/browser", "could not run", format!("{err:#}")),
    }
}

/// Kills `cargo xtask serve` when the tests are done, however they end.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SIGTERM first, so the playground removes its folder; then SIGKILL.
        let pid = self.0.id().to_string();
        let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run_browser_tests(root: &Path, dir: &Path) -> Result<(usize, usize)> {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};

    // Every package of package.json (a checkout from before one was added
    // has the others).
    if ["playwright-core", "axe-core"].iter().any(|p| !dir.join("node_modules").join(p).is_dir()) {
        eprintln!("installing the browser tests' packages (npm ci in {}) ...", dir.display());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .context("running npm ci")?;
        anyhow::ensure!(status.success(), "`npm ci` in {} failed ({status})", dir.display());
    }

    eprintln!("starting `cargo xtask serve --port 0 --snapshot` for the browser tests ...");
    let exe = std::env::current_exe().context("finding the xtask executable")?;
    let mut server = Command::new(exe)
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0", "--snapshot"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting cargo xtask serve")?;
    let stdout = server.stdout.take().expect("piped");
    let server = KillOnDrop(server);
    // What the server prints that the tests need: where the book is, and
    // each sign-in link (one at start, another each time one is used).
    let (urls, url_lines) = std::sync::mpsc::channel();
    let (links, link_lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving the book at ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or("").trim_end_matches('/');
                let _ = urls.send(url.to_string());
            }
            if let Some(link) =
                line.split_whitespace().find(|w| w.contains("/meta/sign-in?secret="))
            {
                let _ = links.send(link.to_string());
            }
        }
    });
    // The first start builds the book and the playground's crates.
    let url = url_lines
        .recv_timeout(Duration::from_secs(900))
        .context("`cargo xtask serve` did not say where it serves the book")?;
    let next_link = || {
        link_lines
            .recv_timeout(Duration::from_secs(60))
            .context("`cargo xtask serve` printed no sign-in link for Run")
    };
    // One sign-in for every test file, with the link printed at start; the
    // next link is for the test of signing in itself.
    let cookie = sign_in(&next_link()?)?;
    let link = next_link()?;

    let output = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=tap", "."])
        .current_dir(dir)
        .env("BOOK_URL", &url)
        .env("BOOK_COOKIE", &cookie)
        .env("BOOK_SIGN_IN", &link)
        .env("CHROMIUM", find_chromium().unwrap_or_default())
        .stderr(Stdio::inherit())
        .output()
        .context("running node --test in tests/browser")?;
    drop(server);
    let tap = String::from_utf8_lossy(&output.stdout);
    eprint!("{tap}");
    tap_counts(&tap, output.status)
}

/// Opens a sign-in link as a browser would, and returns the session cookie
/// it sets (`name=value`).
fn sign_in(link: &str) -> Result<String> {
    let rest = link.strip_prefix("http://").context("a sign-in link starts with http://")?;
    let (host, path) = rest.split_at(rest.find('/').context("a sign-in link has a path")?);
    let addr: std::net::SocketAddr =
        host.parse().with_context(|| format!("the sign-in link's host {host}"))?;
    let response = book_playground::client::request(
        addr,
        "GET",
        path,
        &[("Sec-Fetch-Site", "none"), ("Sec-Fetch-Mode", "navigate")],
        b"",
        Duration::from_secs(30),
    )
    .with_context(|| format!("opening the sign-in link {link}"))?;
    let cookie = response
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .filter(|_| response.status == 303)
        .with_context(|| {
            format!(
                "the sign-in link answered {} without a cookie: {}",
                response.status,
                response.text()
            )
        })?;
    Ok(cookie.to_string())
}

/// `(passed, failed)` from the closing lines of `node --test`'s TAP report.
fn tap_counts(tap: &str, status: std::process::ExitStatus) -> Result<(usize, usize)> {
    let count = |key: &str| -> usize {
        tap.lines()
            .filter_map(|l| l.strip_prefix(key))
            .filter_map(|n| n.trim().parse().ok())
            .next_back()
            .unwrap_or(0)
    };
    let (passed, failed) = (count("# pass "), count("# fail "));
    if !status.success() && failed == 0 {
        anyhow::bail!("node --test failed ({status}) without reporting a failed test");
    }
    Ok((passed, failed))
}

/// The page script's unit tests (tests/page-script/, Node.js's own test
/// runner): its crate detection, without a browser.
pub fn page_script(root: &Path) -> Report {
    let dir = root.join("tests").join("page-script");
    if !dir.is_dir() {
        return Report::Skipped("skipped: the book has no tests/page-script".to_string());
    }
    if find_on_path("node").is_none() {
        if crate::in_ci() {
            return failed_at(
                "tests/page-script",
                "NOT RUN",
                "Node.js is not installed; CI must run them".to_string(),
            );
        }
        return Report::Skipped("SKIPPED: Node.js is not installed".to_string());
    }
    let output = std::process::Command::new("node")
        .args(["--test", "--test-reporter=tap", "."])
        .current_dir(&dir)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => {
            return failed_at(
                "tests/page-script",
                "could not run",
                format!("running node --test: {err}"),
            );
        }
    };
    let tap = String::from_utf8_lossy(&output.stdout);
    match tap_counts(&tap, output.status) {
        Ok((passed, 0)) if passed > 0 => Report::ran(
            format!("{passed} unit tests of the page scripts (theme/*.js) passed (node --test)"),
            Problems::default(),
        ),
        Ok((passed, failures)) => {
            eprint!("{tap}");
            failed_at(
                "tests/page-script",
                &format!("{passed} passed, {failures} failed"),
                format!("{failures} page-script test(s) in tests/page-script failed (above)"),
            )
        }
        Err(err) => failed_at("tests/page-script", "could not run", format!("{err:#}")),
    }
}
