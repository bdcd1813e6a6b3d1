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
        .flat_map(|path| if path.is_file() { vec![path.clone()] } else { crate::files::walk(path) })
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

        if snapshot.is_none() {
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
    drop(snapshot);
    served
}

/// A copy of the built book in a private temporary folder (0700, a random
/// name, created anew: never a folder or symlink someone else planted),
/// removed when dropped.
struct Snapshot(crate::files::TempDir);

impl Snapshot {
    fn of(html_dir: &Path) -> Result<Snapshot> {
        let dir = book_playground::private_dir(&std::env::temp_dir(), "book-snapshot-", 0o700)
            .context("creating the snapshot's temporary folder")?;
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
