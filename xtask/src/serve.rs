//! `cargo xtask serve`: build the book, serve it on loopback, rebuild on change.
//!
//! The same origin also serves the local playground (the `book-playground`
//! crate): play.rust-lang.org's API at `/execute`, `/evaluate.json` and
//! `/meta/crates`, plus `/meta/session`, where the book's pages (and only
//! they) read the per-launch token. `theme/playground.js` finds it there and
//! runs code locally; on any other server it uses play.rust-lang.org.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use tower_http::services::ServeDir;

use crate::book;

/// The files whose change means the book must be rebuilt.
fn watched(root: &Path) -> Vec<PathBuf> {
    ["book.toml", "src", "listings", "theme"].iter().map(|p| root.join(p)).collect()
}

/// The newest modification time among the watched files. Polling once a
/// second is cheap for a book this size and needs no platform watcher.
fn newest_change(root: &Path) -> Option<SystemTime> {
    watched(root)
        .iter()
        .flat_map(|path| {
            if path.is_file() { vec![path.clone()] } else { crate::files::walk(path) }
        })
        .filter_map(|p| p.metadata().ok()?.modified().ok())
        .max()
}

pub fn serve(root: &Path, port: u16, snapshot: bool) -> Result<()> {
    let built = book::build_logged(root)?;
    // A snapshot is a copy of the book as built now, which no rebuild (by
    // us or by anyone else working in the tree) changes under the tests.
    let snapshot = if snapshot { Some(Snapshot::of(&built.html_dir)?) } else { None };
    let html_dir = snapshot.as_ref().map_or(built.html_dir.clone(), |s| s.0.path().to_path_buf());
    // The playground's crates are built once, now, so no Run waits for Cargo.
    eprintln!("building the local playground's crates (once) ...");
    let playground = book_playground::Playground::start(book_playground::Options::new(root));
    let runtime = tokio::runtime::Runtime::new()?;
    let served = runtime.block_on(async {
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(address).await.with_context(|| {
            format!("listening on {address} (is another server using port {port}? try --port)")
        })?;
        let address = listener.local_addr()?;
        let mut app = axum::Router::new();
        match playground
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .and_then(|p| p.router(address))
        {
            Ok(router) => app = app.merge(router),
            // The book is still worth serving: its Run buttons then use
            // play.rust-lang.org, as on the published site.
            Err(err) => eprintln!(
                "warning: the local playground is off, Run uses play.rust-lang.org: {err:#}"
            ),
        }
        let app = app.fallback_service(ServeDir::new(&html_dir));
        if playground.is_ok() {
            println!(
                "local playground ready: Run compiles with the listings' crates on this machine"
            );
        }
        println!("serving the book at http://{address}/  (Ctrl-C stops)");

        if snapshot.is_none() {
            let root = root.to_path_buf();
            tokio::task::spawn_blocking(move || rebuild_on_change(&root));
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(stop_signal())
            .await
            .context("serving the book")
    });
    // The watcher thread never returns: do not wait for it. Then the
    // playground goes, and removes its temporary folder.
    runtime.shutdown_background();
    drop(playground);
    drop(snapshot);
    served
}

/// A copy of the built book in a temporary folder, removed when dropped.
struct Snapshot(crate::files::TempDir);

impl Snapshot {
    fn of(html_dir: &Path) -> Result<Snapshot> {
        let dir = crate::files::temp_dir("book-snapshot-")?;
        for file in crate::files::walk(html_dir) {
            let target = dir.path().join(file.strip_prefix(html_dir)?);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&file, &target)
                .with_context(|| format!("copying the book to {}", target.display()))?;
        }
        Ok(Snapshot(dir))
    }
}

/// Ctrl-C, or a SIGTERM (as the browser tests send).
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    eprintln!("stopping ...");
}

fn rebuild_on_change(root: &Path) {
    let mut last = newest_change(root);
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let now = newest_change(root);
        if now != last {
            last = now;
            eprintln!("a file changed; rebuilding ...");
            if let Err(err) = book::build_logged(root) {
                eprintln!("error: {err:#}");
            }
        }
    }
}

/// What the browser tests did, for `cargo xtask test`'s summary.
pub struct BrowserTests {
    /// `None` when they were skipped.
    pub ok: Option<bool>,
    /// The summary line.
    pub line: String,
    /// What went wrong, if anything.
    pub problem: Option<String>,
}

impl BrowserTests {
    fn failed(line: &str, problem: String) -> BrowserTests {
        BrowserTests { ok: Some(false), line: format!("browser   {line}"), problem: Some(problem) }
    }
}

/// Chromium: `$CHROMIUM`, or Debian's `chromium` on the PATH.
fn find_chromium() -> Option<PathBuf> {
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
pub fn browser_tests(root: &Path) -> BrowserTests {
    let dir = root.join("tests").join("browser");
    if !dir.is_dir() {
        // A fixture book of xtask's own tests: it has no Run-button tests.
        return BrowserTests {
            ok: None,
            line: "browser   skipped: the book has no tests/browser".to_string(),
            problem: None,
        };
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let missing = match (find_chromium(), find_on_path("node"), find_on_path("npm")) {
        (None, ..) => Some("Chromium is not installed (apt-get install chromium)"),
        (_, None, _) | (_, _, None) => Some("Node.js is not installed"),
        _ => None,
    };
    if let Some(missing) = missing {
        if in_ci {
            return BrowserTests::failed(
                "NOT RUN",
                format!(
                    "{missing}, so the Run button was not tested; CI must run the browser tests"
                ),
            );
        }
        eprintln!("warning: SKIPPING the browser tests of the Run button: {missing}");
        return BrowserTests {
            ok: None,
            line: format!(
                "browser   SKIPPED: {missing}; the Run button was not tested in a browser"
            ),
            problem: None,
        };
    }
    match run_browser_tests(root, &dir) {
        Ok((passed, 0)) if passed > 0 => BrowserTests {
            ok: Some(true),
            line: format!(
                "browser   {passed} Run-button tests passed in headless Chromium (local playground, \
                 stand-in play.rust-lang.org)"
            ),
            problem: None,
        },
        Ok((passed, failed)) => BrowserTests::failed(
            &format!("{passed} passed, {failed} failed"),
            format!("{failed} browser test(s) failed and {passed} passed (their output is above)"),
        ),
        Err(err) => BrowserTests::failed("could not run", format!("{err:#}")),
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

    if !dir.join("node_modules").join("playwright-core").is_dir() {
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
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving the book at ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or("").trim_end_matches('/');
                let _ = sender.send(url.to_string());
            }
        }
    });
    // The first start builds the book and the playground's crates.
    let url = receiver
        .recv_timeout(Duration::from_secs(900))
        .context("`cargo xtask serve` did not say where it serves the book")?;

    let output = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=tap", "."])
        .current_dir(dir)
        .env("BOOK_URL", &url)
        .env("CHROMIUM", find_chromium().unwrap_or_default())
        .stderr(Stdio::inherit())
        .output()
        .context("running node --test in tests/browser")?;
    drop(server);
    let tap = String::from_utf8_lossy(&output.stdout);
    eprint!("{tap}");
    let count = |key: &str| -> usize {
        tap.lines()
            .filter_map(|l| l.strip_prefix(key))
            .filter_map(|n| n.trim().parse().ok())
            .next_back()
            .unwrap_or(0)
    };
    let (passed, failed) = (count("# pass "), count("# fail "));
    if !output.status.success() && failed == 0 {
        anyhow::bail!("node --test failed ({}) without reporting a failed test", output.status);
    }
    Ok((passed, failed))
}
