//! Building the workspace through cargo: every binary and test executable
//! once, and the does-not-compile listings with their feature on, read
//! from cargo's JSON messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, bail};

use crate::listings::{COMPILE_ERROR_FEATURE, Listing, cargo};
use crate::problems::indent;

/// Every package's folder and test executables, keyed by package name.
pub type Executables = HashMap<String, (PathBuf, Vec<PathBuf>)>;

/// `--workspace`, or `-p a -p b` for the named packages only.
fn selection(only: &[String]) -> Vec<String> {
    if only.is_empty() {
        vec!["--workspace".into()]
    } else {
        only.iter().flat_map(|p| ["-p".to_string(), p.clone()]).collect()
    }
}

/// The packages whose test executables are built: those selected (`only`,
/// or every member of the workspace), less `without_tests`.
fn tested_packages(root: &Path, only: &[String], without_tests: &[&str]) -> Result<Vec<String>> {
    let selected = if only.is_empty() {
        let metadata = cargo_metadata::MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .no_deps()
            .exec()
            .with_context(|| format!("reading the workspace at {}", root.display()))?;
        metadata.workspace_packages().iter().map(|p| p.name.to_string()).collect()
    } else {
        only.to_vec()
    };
    Ok(selected.into_iter().filter(|p| !without_tests.contains(&p.as_str())).collect())
}

/// Which test executables `build_workspace` builds.
pub enum Tests<'a> {
    /// None (`bless` runs binaries only).
    None,
    /// Those of every selected package except these (the listings whose
    /// kind runs no test; see `Verify::needs_test_executables`).
    Except(&'a [&'a str]),
}

/// `cargo build` of every binary, and `cargo test --no-run` to learn where
/// each package's test executables are.
pub fn build_workspace(root: &Path, only: &[String], tests: Tests) -> Result<Executables> {
    let selection = selection(only);
    let status = cargo(root)
        .args(["build", "--bins", "--quiet"])
        .args(&selection)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("`cargo build {}` failed (its errors are above)", selection.join(" "));
    }
    let mut executables: Executables = HashMap::new();
    let Tests::Except(without_tests) = tests else { return Ok(executables) };
    let tested = tested_packages(root, only, without_tests)?;
    if tested.is_empty() {
        return Ok(executables);
    }
    let selection: Vec<String> =
        tested.iter().flat_map(|p| ["-p".to_string(), p.clone()]).collect();
    let output = cargo(root)
        .args(["test", "--no-run", "--quiet", "--message-format=json-render-diagnostics"])
        .args(&selection)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo test --no-run")?;
    if !output.status.success() {
        bail!("`cargo test --no-run {}` failed (its errors are above)", selection.join(" "));
    }
    for message in cargo_metadata::Message::parse_stream(&output.stdout[..]) {
        if let Ok(cargo_metadata::Message::CompilerArtifact(artifact)) = message
            && let (Some(executable), true) = (artifact.executable, artifact.profile.test)
        {
            let name = package_name_from_id(&artifact.package_id.repr);
            let dir = artifact
                .manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
                .unwrap_or_default();
            executables
                .entry(name)
                .or_insert_with(|| (dir, Vec::new()))
                .1
                .push(executable.into_std_path_buf());
        }
    }
    Ok(executables)
}

/// Package ids look like `path+file:///.../listings/ch02/count-to#ch02-count-to@0.1.0`
/// or `path+file:///.../xtask#0.1.0` (when the folder is the name).
pub fn package_name_from_id(id: &str) -> String {
    let (path, fragment) = id.rsplit_once('#').unwrap_or((id, ""));
    match fragment.split_once('@') {
        Some((name, _)) => name.to_string(),
        None => path.rsplit('/').next().unwrap_or(path).to_string(),
    }
}

/// Where cargo puts build output for the book at `root`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root.join("target"),
    }
}

/// A does-not-compile listing, built with its feature on.
pub struct Compiled {
    pub succeeded: bool,
    /// The compiler's messages exactly as rustc renders them.
    pub rendered: String,
}

/// Builds every given does-not-compile listing with its binary switched on,
/// in one cargo invocation (`--keep-going`, so rustc runs them in parallel),
/// and returns, per package, whether it compiled and what the compiler said.
pub fn compile_errors(root: &Path, listings: &[&Listing]) -> Result<HashMap<String, Compiled>> {
    let mut results: HashMap<String, Compiled> = listings
        .iter()
        .map(|l| (l.package.clone(), Compiled { succeeded: false, rendered: String::new() }))
        .collect();
    if listings.is_empty() {
        return Ok(results);
    }
    let mut command = cargo(root);
    command.args(["build", "--quiet", "--keep-going", "--message-format=json", "--color=never"]);
    let mut features = Vec::new();
    for listing in listings {
        command.args(["-p", &listing.package]);
        features.push(format!("{}/{COMPILE_ERROR_FEATURE}", listing.package));
    }
    command.args(["--features", &features.join(",")]);
    let output = command.stderr(Stdio::piped()).output().context("running cargo build")?;
    for message in cargo_metadata::Message::parse_stream(&output.stdout[..]) {
        match message {
            Ok(cargo_metadata::Message::CompilerMessage(message)) => {
                let package = package_name_from_id(&message.package_id.repr);
                if let (Some(compiled), Some(text)) =
                    (results.get_mut(&package), message.message.rendered)
                {
                    compiled.rendered.push_str(&text);
                }
            }
            Ok(cargo_metadata::Message::CompilerArtifact(artifact)) => {
                let package = package_name_from_id(&artifact.package_id.repr);
                let is_bin = artifact
                    .target
                    .kind
                    .iter()
                    .any(|k| matches!(k, cargo_metadata::TargetKind::Bin));
                if let (Some(compiled), true) = (results.get_mut(&package), is_bin) {
                    compiled.succeeded = true;
                }
            }
            _ => {}
        }
    }
    // A failure of cargo itself (a bad manifest, say) produces no compiler
    // messages at all; don't mistake it for the expected error.
    if !output.status.success() && results.values().all(|c| c.rendered.is_empty()) {
        bail!(
            "cargo could not build the does-not-compile listings:\n{}",
            indent(&String::from_utf8_lossy(&output.stderr))
        );
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_come_out_of_package_ids() {
        assert_eq!(
            package_name_from_id("path+file:///w/listings/ch02/count-to#ch02-count-to@0.1.0"),
            "ch02-count-to"
        );
        assert_eq!(package_name_from_id("path+file:///w/xtask#0.1.0"), "xtask");
    }

    #[test]
    fn named_packages_are_selected_one_by_one() {
        assert_eq!(selection(&[]), ["--workspace"]);
        assert_eq!(selection(&["a".into(), "b".into()]), ["-p", "a", "-p", "b"]);
    }

    #[test]
    fn test_executables_are_built_only_where_a_test_runs() {
        let root = crate::files::repository_root();
        let tested = tested_packages(&root, &[], &["ch01-tasks", "xtask"]).unwrap();
        assert!(tested.iter().any(|p| p == "book-playground"), "{tested:?}");
        assert!(tested.iter().any(|p| p == "ch02-count-to"), "{tested:?}");
        assert!(!tested.iter().any(|p| p == "ch01-tasks" || p == "xtask"), "{tested:?}");
        let named = ["ch01-tasks".to_string(), "ch02-count-to".to_string()];
        assert_eq!(tested_packages(&root, &named, &["ch01-tasks"]).unwrap(), ["ch02-count-to"]);
        assert!(tested_packages(&root, &named[..1], &["ch01-tasks"]).unwrap().is_empty());
    }
}
