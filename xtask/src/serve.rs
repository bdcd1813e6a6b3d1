//! `cargo xtask serve`: build the book, serve it on loopback, rebuild on change.
//!
//! The same origin also serves the local playground (the `book-playground`
//! crate): play.rust-lang.org's API at `/execute`, `/evaluate.json` and
//! `/meta/crates`, plus `/meta/session`, which tells the book's pages that
//! the playground is here and whether this browser is signed in. Signing in
//! is out of band: this command prints a link with a one-time secret (and
//! opens it with `--open`), which the browser exchanges for a session cookie
//! (`book_playground::sign_in`). `theme/playground.js` runs code locally
//! when the session says so; on any other server it uses play.rust-lang.org.

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
        .flat_map(|path| if path.is_file() { vec![path.clone()] } else { crate::files::walk(path) })
        .filter_map(|p| p.metadata().ok()?.modified().ok())
        .max()
}

pub fn serve(root: &Path, port: u16, snapshot: bool, open: bool) -> Result<()> {
    // A snapshot is the book built into a private folder, which no rebuild
    // (by us, by another `serve` or `cargo xtask test`, or by anyone else
    // working in the tree) changes under the tests; it goes with `built`.
    let built = if snapshot {
        let built = book::build_private(root)?;
        eprintln!("built a snapshot of the book into {}", built.html_dir.display());
        built
    } else {
        book::build_logged(root)?
    };
    let html_dir = built.html_dir.clone();
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
        let mut sign_in = None;
        match playground.as_ref().map_err(|e| anyhow::anyhow!("{e:#}")).and_then(|p| {
            let router = p.router(address)?;
            Ok((router, p.sign_in_link(address)?))
        }) {
            Ok((router, link)) => {
                app = app.merge(router);
                sign_in = Some(link);
            }
            // The book is still worth serving: its Run buttons then use
            // play.rust-lang.org, as on the published site.
            Err(err) => eprintln!(
                "warning: the local playground is off, Run uses play.rust-lang.org: {err:#}"
            ),
        }
        // Every request, the book's files included, gets the site's checks
        // (its own Host only, no framing), and the accept loop its limits.
        let app =
            book_playground::http::site(address, app.fallback_service(ServeDir::new(&html_dir)))?;
        if playground.is_ok() {
            println!(
                "local playground ready: Run compiles with the listings' crates on this machine"
            );
        }
        println!("serving the book at http://{address}/  (Ctrl-C stops)");
        // Kept until the server stops: the browser may read it late.
        let mut _redirect = None;
        if let Some(link) = &sign_in {
            // The only way to Run: nothing the server answers gives it away.
            println!("to Run code, open the book with this link (it works once): {link}");
            if open {
                _redirect = open_in_browser(link);
            }
        } else if open {
            _redirect = open_in_browser(&format!("http://{address}/"));
        }

        if !snapshot {
            let root = root.to_path_buf();
            tokio::task::spawn_blocking(move || rebuild_on_change(&root));
        }
        book_playground::http::Server::new(book_playground::http::Limits::default())
            .serve(listener, app, stop_signal())
            .await
            .context("serving the book")
    });
    // The watcher thread never returns: do not wait for it. Then the
    // playground goes, and removes its temporary folder.
    runtime.shutdown_background();
    drop(playground);
    drop(built);
    served
}

/// Opens `url` in the desktop's browser, or says why it could not. Not by
/// passing the URL to the opener: a command line is visible to every user
/// of the machine (`ps`), and the URL carries the sign-in secret. Like
/// Jupyter, it writes a page that only we can read, which sends the browser
/// on to the URL, and opens that page; it is returned, to live until the
/// server stops.
fn open_in_browser(url: &str) -> Option<crate::files::TempDir> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;

    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let written = crate::files::temp_dir("book-open-").and_then(|dir| {
        let page = dir.path().join("open-the-book.html");
        let mut file =
            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&page)?;
        write!(
            file,
            "<!DOCTYPE html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" \
             content=\"0;url={url}\"><title>Async Rust</title><p><a href=\"{url}\">Open the \
             book</a></p>"
        )?;
        Ok((dir, page))
    });
    let (dir, page) = match written {
        Ok(written) => written,
        Err(err) => {
            eprintln!(
                "warning: could not write the page that opens the book ({err:#}); open the link yourself"
            );
            return None;
        }
    };
    // `$BROWSER`, as Python's webbrowser and Jupyter read it, else the
    // desktop's opener. Not waited for: some openers only return when the
    // browser closes, and the server must answer it meanwhile.
    let opener = std::env::var("BROWSER").ok().filter(|b| !b.is_empty()).unwrap_or(opener.into());
    match std::process::Command::new(&opener)
        .arg(&page)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            let opener = opener.clone();
            std::thread::spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    eprintln!(
                        "warning: `{opener}` could not open the book ({status}); open the link yourself"
                    );
                }
            });
        }
        Err(err) => eprintln!("warning: could not run `{opener}` ({err}); open the link yourself"),
    }
    Some(dir)
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
