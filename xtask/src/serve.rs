//! `cargo xtask serve`: build the book, serve it on loopback, rebuild on change.

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
            walkdir::WalkDir::new(path)
                .into_iter()
                .filter_entry(|e| e.file_name() != "target")
                .flatten()
        })
        .filter_map(|e| e.metadata().ok()?.modified().ok())
        .max()
}

pub fn serve(root: &Path, port: u16) -> Result<()> {
    let built = book::build_logged(root)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("listening on {address} (is another server using port {port}? try --port)"))?;
        let app = axum::Router::new().fallback_service(ServeDir::new(&built.html_dir));
        println!("serving the book at http://{address}/  (Ctrl-C stops)");

        let root = root.to_path_buf();
        tokio::task::spawn_blocking(move || rebuild_on_change(&root));
        axum::serve(listener, app).await.context("serving the book")
    })
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
