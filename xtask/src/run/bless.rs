//! `cargo xtask bless`: the same steps as the test, writing the expected
//! output files instead of comparing with them.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::build::{Tests, build_workspace, compile_errors};
use super::verify::run_listing;
use crate::kinds::Verify;
use crate::listings::{self, Listing};
use crate::problems::Problems;

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
    let chosen = super::select(&listings, packages)?;
    // Blessing runs binaries and compiles errors: no test executables.
    build_workspace(root, packages, Tests::None)?;
    let failing: Vec<&Listing> =
        chosen.iter().filter(|l| l.kind.rules().verify == Verify::CompileError).collect();
    let compiled = compile_errors(root, &failing)?;
    let mut problems = Problems::default();
    let mut written = 0;
    for listing in &chosen {
        let blessed = listing.kind.rules().blessed;
        match listing.kind.rules().verify {
            Verify::Run { .. } => {
                let run = run_listing(root, listing)?;
                if !run.exited_as_expected(listing) {
                    problems.at(
                        &listing.rel_dir,
                        format!("not blessed: {}", run.describe_status(listing)),
                    );
                    continue;
                }
                for file in blessed {
                    write(&listing.blessed_file(*file), run.blessed(*file))?;
                    written += 1;
                }
            }
            Verify::CompileError => {
                let compiled = &compiled[&listing.package];
                if compiled.succeeded {
                    problems.at(
                        &listing.rel_dir,
                        "not blessed: it compiles, but is declared does-not-compile",
                    );
                    continue;
                }
                for file in blessed {
                    write(&listing.blessed_file(*file), &compiled.rendered)?;
                    written += 1;
                }
            }
            Verify::Tests | Verify::Build => {}
        }
    }
    // The charts drawn from what was just written (chart.toml beside a listing).
    let charts = crate::chart::bless(root, &listings, packages)?;
    eprintln!(
        "blessed: wrote {written} expected-output file(s) and {charts} chart(s); review them \
         with `git diff`"
    );
    problems.into_result("bless")
}

/// Writes an expected-output file in the form the book shows: without what
/// only this machine has (see [`listings::machine_independent`]).
fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, listings::machine_independent(text))
        .with_context(|| format!("writing {}", path.display()))
}
