//! Building the book with mdBook, used as a library.
//!
//! mdBook is a dependency of this crate, pinned in Cargo.lock, so building
//! the book needs no separate install. Its log messages go through
//! `tracing`; we count the warnings so `cargo xtask test` can insist on none.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::preprocess::{self, ListingsPreprocessor};

static WARNINGS: AtomicUsize = AtomicUsize::new(0);

/// Counts every warning or error event that mdBook logs.
struct CountWarnings;

impl<S: Subscriber> Layer<S> for CountWarnings {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: LayerContext<'_, S>) {
        if *event.metadata().level() <= tracing::Level::WARN {
            WARNINGS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Sends mdBook's log to stderr (warnings and errors only unless `RUST_LOG`
/// says otherwise) and counts warnings.
pub fn init_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false))
            .with(filter)
            .with(CountWarnings)
            .init();
    });
}

/// What a build produced.
pub struct Built {
    pub html_dir: PathBuf,
    pub warnings: usize,
    /// A private build's folder, removed when the `Built` is dropped.
    _private: Option<crate::files::TempDir>,
}

/// Builds the book at `root` into its build directory (`book/`).
pub fn build(root: &Path) -> Result<Built> {
    build_into(root, None)
}

/// Builds the book into a folder of its own under `target/xtask-book/`,
/// removed when the returned `Built` is dropped: what `cargo xtask test`
/// and `serve --snapshot` read, so that two runs at once (two contributors
/// on one checkout, a soak beside a maintainer's run) and a `serve`
/// rebuilding `book/` meanwhile cannot change or remove the pages a check is
/// reading.
pub fn build_private(root: &Path) -> Result<Built> {
    let parent = root.join("target").join("xtask-book");
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let dir = tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(&parent)
        .with_context(|| format!("creating a private build folder in {}", parent.display()))?;
    build_into(root, Some(dir))
}

fn build_into(root: &Path, private: Option<crate::files::TempDir>) -> Result<Built> {
    init_logging();
    let before = WARNINGS.load(Ordering::Relaxed);
    let mut book =
        MDBook::load(root).with_context(|| format!("loading the book at {}", root.display()))?;
    if !book.config.contains_key(&format!("preprocessor.{}", preprocess::NAME)) {
        bail!(
            "{}: book.toml must declare [preprocessor.{}] (with before = [\"links\"]), \
             so that a plain `mdbook build` numbers listings too",
            root.join("book.toml").display(),
            preprocess::NAME
        );
    }
    // Same name as the book.toml entry, so it takes that entry's place in the
    // order and runs in-process instead of as a command.
    book.with_preprocessor(ListingsPreprocessor);
    if let Some(dir) = &private {
        book.config.build.build_dir = dir.path().to_path_buf();
    }
    book.build().context("building the book")?;
    let html_dir = book.build_dir_for("html");
    Ok(Built { html_dir, warnings: WARNINGS.load(Ordering::Relaxed) - before, _private: private })
}

/// `cargo xtask build`: build and say where the book went.
pub fn build_logged(root: &Path) -> Result<Built> {
    let built = build(root)?;
    eprintln!("built the book into {} ({} warning(s))", built.html_dir.display(), built.warnings);
    Ok(built)
}

/// A page of the book, as SUMMARY.md lists it: its entry's name, its source
/// file (relative to the book's root) and its level-1 heading.
#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub source: String,
    pub heading: Option<String>,
}

/// Every page SUMMARY.md lists, in order, with its level-1 heading.
pub fn entries(root: &Path) -> Result<Vec<Entry>> {
    let book = mdbook_driver::MDBook::load(root)
        .with_context(|| format!("loading the book at {}", root.display()))?;
    let mut entries = Vec::new();
    for item in book.iter() {
        let mdbook_driver::book::BookItem::Chapter(chapter) = item else { continue };
        let Some(source) = &chapter.source_path else { continue };
        entries.push(Entry {
            name: chapter.name.clone(),
            source: format!("{}/{}", book.config.book.src.display(), source.display()),
            heading: heading(&chapter.content),
        });
    }
    Ok(entries)
}

/// The text of a page's first level-1 heading, as a PDF outline shows it
/// (inline code and emphasis marks dropped).
pub fn heading(markdown: &str) -> Option<String> {
    let line = markdown.lines().find_map(|l| l.strip_prefix("# "))?;
    let text: String = line.chars().filter(|c| !matches!(c, '`' | '*')).collect();
    Some(text.trim().to_string())
}
