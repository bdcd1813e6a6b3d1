//! `cargo xtask`: the command line. The work is in the library (`lib.rs`).
//!
//! Read ARCHITECTURE.md at the repository root for a map of this crate.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{
    book, files, listings, pdf, playground_bench, preprocess, run, scaffold, serve, soak, watch,
};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, serve, test and bless the Async Rust book")]
struct Cli {
    /// The book's root folder (holding book.toml and the listings workspace).
    /// Defaults to this repository; the xtask's own tests point it at small
    /// fixture books.
    #[arg(long, global = true, hide = true)]
    root: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book into `book/`.
    Build,
    /// Build the book, serve it on 127.0.0.1 and rebuild when a file changes.
    Serve {
        /// The port to listen on.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Serve a copy of the book as built now, and do not rebuild: what
        /// the browser tests use, so an edit meanwhile cannot disturb them.
        #[arg(long, hide = true)]
        snapshot: bool,
        /// Open the book, signed in to Run, in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Print the whole book to one PDF with headless Chromium (its outline:
    /// the chapters; its links work inside the PDF).
    Pdf {
        /// Where to write it (default: target/book.pdf).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Work on an exercise: run its tests now and on every save of a file in
    /// its crate, and say what passes, what fails and what to do next.
    Watch {
        /// The exercise's package (`ch08-ex-transfer`) or its folder
        /// (`listings/ch08/ex-transfer`).
        exercise: String,
        /// Stop after this many runs (for tests; without it, until Ctrl-C).
        #[arg(long, hide = true)]
        runs: Option<usize>,
    },
    /// Run every check: listings compiled, run and compared; book checks.
    Test {
        /// Verify only these listings (the quick loop while writing one);
        /// the book-wide checks still run.
        packages: Vec<String>,
        /// Run every check, even the slow ones that passed before on exactly
        /// the same inputs (which are otherwise not run again, and say so).
        #[arg(long)]
        no_cache: bool,
    },
    /// Run the whole `cargo xtask test` N times in a row, tally which checks
    /// failed how often, and keep each failing run's log under
    /// target/soak/<timestamp>/. For changes that touch timing, processes or
    /// the playground.
    Soak {
        /// How many runs.
        #[arg(default_value_t = 30)]
        runs: usize,
        /// Run each in a network namespace with only loopback up (fails,
        /// saying why, when one cannot be made; never runs online instead).
        #[arg(long)]
        offline: bool,
        /// Start this many CPU hogs (busy loops) for the whole soak.
        #[arg(long, default_value_t = 0)]
        load: usize,
        /// Kill a run (its whole process group) after this many seconds.
        #[arg(long, default_value_t = 2400)]
        timeout: u64,
    },
    /// Regenerate the expected output and error files of listings.
    Bless {
        /// Only these packages (all listings when none are given).
        packages: Vec<String>,
        /// Only draw the listings' charts (chart.toml) again from their
        /// committed outputs, without running anything.
        #[arg(long)]
        charts_only: bool,
    },
    /// Time Runs on the local playground against a bare rustc compile
    /// of the same listings (p50/p95), and check 4 concurrent Runs.
    BenchPlayground {
        /// Measured Runs (and bare compiles) per listing.
        #[arg(long, default_value_t = 10)]
        iterations: usize,
    },
    /// Create a listing crate at listings/<chapter>/<name>/ and print the
    /// block to paste into the chapter.
    NewListing {
        /// The chapter, like `ch05`.
        chapter: String,
        /// The listing's name in kebab-case, like `spawn-borrow`; the
        /// package is `<chapter>-<name>`.
        name: String,
        /// The listing's kind, as `[package.metadata.book]` writes it
        /// (xtask/src/kinds.rs; a wrong one lists them all).
        #[arg(long, value_parser = scaffold::parse_kind)]
        kind: listings::Kind,
    },
    /// Create a chapter: src/chNN-<slug>.md, its solutions page, their
    /// SUMMARY.md entries, and listings/chNN/.
    NewChapter {
        /// The chapter number, like 8.
        number: u32,
        /// The file name's slug in kebab-case, like `streams`.
        slug: String,
        /// The title, like "Streams".
        title: String,
    },
    /// The mdBook preprocessor protocol, for a plain `mdbook build`
    /// (book.toml names this command).
    #[command(hide = true)]
    Preprocess {
        #[command(subcommand)]
        supports: Option<Supports>,
    },
}

#[derive(Subcommand)]
enum Supports {
    Supports { renderer: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(files::repository_root);
    // Paths from cargo are absolute; compare like with like.
    let root = match root.canonicalize() {
        Ok(root) => root,
        Err(err) => {
            eprintln!("error: the book root {} cannot be read: {err}", root.display());
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Build => book::build_logged(&root).map(|_| ()),
        Command::Serve { port, snapshot, open } => serve::serve(&root, port, snapshot, open),
        Command::Pdf { out } => pdf::pdf(&root, out),
        Command::Watch { exercise, runs } => watch::watch(&root, &exercise, runs),
        Command::Test { packages, no_cache } => {
            let passes = if no_cache { run::Passes::RunAll } else { run::Passes::Reuse };
            run::test(&root, &packages, passes)
        }
        Command::Bless { packages, charts_only: false } => run::bless(&root, &packages),
        Command::Bless { packages, charts_only: true } => xtask::chart::redraw(&root, &packages),
        Command::Soak { runs, offline, load, timeout } => soak::soak(
            &root,
            &soak::Options {
                runs,
                offline,
                load,
                timeout: std::time::Duration::from_secs(timeout),
            },
        ),
        Command::NewListing { chapter, name, kind } => {
            scaffold::new_listing(&root, &chapter, &name, kind)
        }
        Command::NewChapter { number, slug, title } => {
            scaffold::new_chapter(&root, number, &slug, &title)
        }
        Command::BenchPlayground { iterations } => playground_bench::bench(&root, iterations),
        // Our preprocessor only adds HTML around listings, which any
        // renderer that understands Markdown with inline HTML accepts.
        Command::Preprocess { supports: Some(Supports::Supports { .. }) } => Ok(()),
        Command::Preprocess { supports: None } => preprocess::run_as_mdbook_command(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
