//! Where the repository is, and the one way xtask walks a tree of files.

use std::path::{Path, PathBuf};

/// The repository this xtask was built from (xtask lives in `<root>/xtask`):
/// the default book, and the home of `.tools/`, which serves every book it
/// checks, fixture books included.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_path_buf()
}

/// Every file below `dir`, sorted by path, never entering a `target/` (build
/// output) or `node_modules/` folder. A missing `dir` has no files.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    entries(dir).filter(|e| e.file_type().is_file()).map(walkdir::DirEntry::into_path).collect()
}

/// Every symbolic link below `dir`, sorted, by the same rules as [`walk`]
/// (which leaves links out, and never follows one).
pub fn symlinks(dir: &Path) -> Vec<PathBuf> {
    entries(dir).filter(|e| e.path_is_symlink()).map(walkdir::DirEntry::into_path).collect()
}

fn entries(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && is_skipped(e.file_name())))
        .flatten()
}

fn is_skipped(name: &std::ffi::OsStr) -> bool {
    name == "target" || name == "node_modules"
}

/// A temporary folder, removed with everything in it when dropped (on
/// success, on error and on panic alike).
pub type TempDir = tempfile::TempDir;

/// A new temporary folder whose name starts with `prefix`.
pub fn temp_dir(prefix: &str) -> anyhow::Result<TempDir> {
    use anyhow::Context as _;
    tempfile::Builder::new().prefix(prefix).tempdir().context("creating a temporary folder")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_build_output_and_sorts() {
        let dir = temp_dir("walk-").unwrap();
        for file in ["b.rs", "a/z.txt", "target/debug/x", "a/node_modules/m.js"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let found: Vec<String> =
            walk(dir.path()).iter().map(|p| crate::problems::rel(dir.path(), p)).collect();
        assert_eq!(found, ["a/z.txt", "b.rs"]);
    }
}
