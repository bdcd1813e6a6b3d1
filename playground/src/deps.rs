//! The crates a Run may use, built once at start-up.
//!
//! They are the listings' crates: `book-playground` depends on each of them
//! with `workspace = true`, so they resolve through the workspace's one
//! Cargo.lock to exactly the versions the listings use. At start-up we ask
//! `cargo metadata` which package each of those dependencies resolved to,
//! run `cargo build --message-format=json` once to learn where their rlibs
//! (and proc-macro libraries) are, and from then on every Run is a bare
//! `rustc --extern name=path -L dependency=...` with no Cargo involved.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The package whose dependencies are offered.
pub const PACKAGE: &str = "book-playground";
/// The launcher binary of that package that confines every Run.
pub const JAIL: &str = "book-playground-jail";

/// The crates offered to a Run: the listings' crates, as declared in the
/// root Cargo.toml's `[workspace.dependencies]` (a test checks the two
/// agree).
pub const OFFERED: &[&str] = &[
    "anyhow",
    "async-trait",
    "axum",
    "bytes",
    "futures",
    "pin-project-lite",
    "reqwest",
    "serde",
    "serde_json",
    "tokio",
    "tokio-stream",
    "tokio-util",
    "tracing",
    "tracing-subscriber",
];

/// One offered crate, built.
#[derive(Debug, Clone)]
pub struct Crate {
    /// The package name: `tokio-stream`.
    pub package: String,
    /// The name code uses: `tokio_stream`.
    pub crate_name: String,
    pub version: String,
    /// The `.rlib` (or the proc-macro's shared library) to pass to `--extern`.
    pub path: PathBuf,
}

/// The prebuilt dependencies.
#[derive(Debug, Clone)]
pub struct Deps {
    pub crates: Vec<Crate>,
    /// The folders holding every artifact of the build (for `-L dependency=`),
    /// so rustc finds the offered crates' own dependencies.
    pub search_dirs: Vec<PathBuf>,
    /// The `book-playground-jail` launcher every Run goes through (see
    /// `jail.rs`), built by the same `cargo build`.
    pub jail: PathBuf,
}

impl Deps {
    /// The `--extern` and `-L` arguments for rustc.
    pub fn rustc_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for dir in &self.search_dirs {
            args.push("-L".to_string());
            args.push(format!("dependency={}", dir.display()));
        }
        for krate in &self.crates {
            args.push("--extern".to_string());
            args.push(format!("{}={}", krate.crate_name, krate.path.display()));
        }
        args
    }
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    resolve: Option<Resolve>,
    workspace_members: Vec<String>,
}

#[derive(Deserialize)]
struct MetaPackage {
    id: String,
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    /// The crate name as code sees it (`tokio_stream`).
    name: String,
    pkg: String,
    #[serde(default)]
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    /// `"dev"`, `"build"`, or null for a normal dependency.
    kind: Option<String>,
}

#[derive(Deserialize)]
struct BuildMessage {
    reason: String,
    package_id: Option<String>,
    target: Option<BuildTarget>,
    /// Whether the artifact was already built (nothing compiled).
    #[serde(default)]
    fresh: bool,
    #[serde(default)]
    filenames: Vec<PathBuf>,
    /// A binary target's executable.
    executable: Option<PathBuf>,
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct BuildTarget {
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Diagnostic {
    rendered: Option<String>,
}

/// Resolves and builds the offered crates of the workspace at `root`, once
/// per process (a second playground in the same process, as in the tests,
/// reuses the first build). Blocking: it runs Cargo twice.
pub fn build(root: &Path, cargo: &Path) -> Result<Deps> {
    static BUILT: Mutex<Vec<(PathBuf, Deps)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, deps)) = built.iter().find(|(r, _)| r == root) {
        return Ok(deps.clone());
    }
    let deps = build_uncached(root, cargo)?;
    built.push((root.to_path_buf(), deps.clone()));
    Ok(deps)
}

fn build_uncached(root: &Path, cargo: &Path) -> Result<Deps> {
    let manifest = root.join("Cargo.toml");
    let (wanted, total) = resolve(root, cargo, &manifest)?;
    let mut progress = Progress { total, seen: BTreeSet::new(), compiled: 0 };

    // Our own library pulls in every offered crate, with the features that
    // [workspace.dependencies] gives them.
    let mut child = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--message-format=json-render-diagnostics", "--package", PACKAGE, "--lib"])
        .args(["--bin", JAIL])
        .arg("--manifest-path")
        .arg(&manifest)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running `{} build` in {}", cargo.display(), root.display()))?;
    let mut stderr = child.stderr.take().expect("piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });

    let mut found: HashMap<String, PathBuf> = HashMap::new();
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut diagnostics = String::new();
    let mut jail = None;
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    for line in stdout.lines() {
        let line = line.context("reading `cargo build` output")?;
        let Ok(message) = serde_json::from_str::<BuildMessage>(&line) else { continue };
        match message.reason.as_str() {
            "compiler-artifact" => {
                progress.artifact(message.package_id.as_deref(), message.fresh);
                if let Some(executable) = message.executable {
                    jail = Some(executable);
                    continue;
                }
                for file in &message.filenames {
                    if let Some(dir) = file.parent() {
                        dirs.insert(dir.to_path_buf());
                    }
                }
                let (Some(id), Some(target)) = (message.package_id, message.target) else {
                    continue;
                };
                if !wanted.contains_key(&id) {
                    continue;
                }
                let is_proc_macro = target.kind.iter().any(|k| k == "proc-macro");
                let is_lib = target.kind.iter().any(|k| k == "lib" || k == "rlib");
                let pick = message.filenames.iter().find(|f| {
                    let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
                    if is_proc_macro {
                        matches!(ext, "so" | "dylib" | "dll")
                    } else {
                        is_lib && ext == "rlib"
                    }
                });
                if let Some(path) = pick {
                    found.insert(id, path.clone());
                }
            }
            "compiler-message" => {
                if let Some(rendered) = message.message.and_then(|m| m.rendered) {
                    diagnostics.push_str(&rendered);
                }
            }
            _ => {}
        }
    }
    let status = child.wait().context("waiting for `cargo build`")?;
    progress.finish();
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() {
        bail!(
            "building the playground's crates failed (`cargo build -p {PACKAGE} --lib` in {}, {status}):\n{diagnostics}{stderr}",
            root.display()
        );
    }

    let mut crates = Vec::new();
    let mut missing = Vec::new();
    for (id, (package, crate_name, version)) in wanted {
        match found.remove(&id) {
            Some(path) => crates.push(Crate { package, crate_name, version, path }),
            None => missing.push(package),
        }
    }
    if !missing.is_empty() {
        bail!(
            "`cargo build -p {PACKAGE}` reported no library for {}; is the target folder shared with \
             a build for another platform?",
            missing.join(", ")
        );
    }
    let jail =
        jail.with_context(|| format!("`cargo build -p {PACKAGE}` reported no {JAIL} binary"))?;
    crates.sort_by(|a, b| a.package.cmp(&b.package));
    // The folder of the offered crates first: rustc searches in order.
    let mut search_dirs: Vec<PathBuf> = Vec::new();
    for krate in &crates {
        if let Some(dir) = krate.path.parent()
            && !search_dirs.iter().any(|d| d == dir)
        {
            search_dirs.push(dir.to_path_buf());
        }
    }
    for dir in dirs {
        if !search_dirs.contains(&dir) {
            search_dirs.push(dir);
        }
    }
    Ok(Deps { crates, search_dirs, jail })
}

/// Package id → (package name, crate name, version) of each offered crate.
type Offered = BTreeMap<String, (String, String, String)>;

/// How far the one build of the offered crates is: on a fresh clone it
/// compiles a few hundred crates, so it says `n of m` as it goes; when
/// everything was built before it says nothing.
struct Progress {
    /// Packages the build may compile (book-playground's dependencies, not
    /// dev-dependencies, and itself).
    total: usize,
    seen: BTreeSet<String>,
    compiled: usize,
}

impl Progress {
    fn artifact(&mut self, package: Option<&str>, fresh: bool) {
        let Some(package) = package else { return };
        if !self.seen.insert(package.to_string()) {
            return; // its build script, then its library
        }
        if !fresh {
            self.compiled += 1;
            if self.compiled == 1 || self.compiled.is_multiple_of(20) {
                eprintln!(
                    "  playground: {} of {} crates built ...",
                    self.seen.len(),
                    self.total.max(self.seen.len())
                );
            }
        }
    }

    fn finish(&self) {
        if self.compiled > 0 {
            eprintln!(
                "  playground: {} of {} crates built ({} compiled now)",
                self.seen.len(),
                self.total.max(self.seen.len()),
                self.compiled
            );
        }
    }
}

/// Package id → (package name, crate name, version) of each offered crate,
/// as `book-playground`'s dependencies resolve in the workspace, and how
/// many packages its build compiles at most.
fn resolve(root: &Path, cargo: &Path, manifest: &Path) -> Result<(Offered, usize)> {
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest)
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running `{} metadata` in {}", cargo.display(), root.display()))?;
    if !output.status.success() {
        bail!(
            "`cargo metadata` failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Metadata =
        serde_json::from_slice(&output.stdout).context("reading `cargo metadata` output")?;
    let ours = metadata
        .packages
        .iter()
        .find(|p| p.name == PACKAGE && metadata.workspace_members.contains(&p.id))
        .with_context(|| {
            format!("the workspace at {} has no member named {PACKAGE}", root.display())
        })?;
    let resolve = metadata.resolve.context("`cargo metadata` gave no dependency resolution")?;
    let node = resolve
        .nodes
        .iter()
        .find(|n| n.id == ours.id)
        .with_context(|| format!("no resolved dependencies for {PACKAGE}"))?;
    let packages: HashMap<&str, &MetaPackage> =
        metadata.packages.iter().map(|p| (p.id.as_str(), p)).collect();

    let mut wanted = BTreeMap::new();
    for dep in &node.deps {
        let Some(package) = packages.get(dep.pkg.as_str()) else { continue };
        if OFFERED.contains(&package.name.as_str()) {
            wanted.insert(
                dep.pkg.clone(),
                (package.name.clone(), dep.name.clone(), package.version.clone()),
            );
        }
    }
    let missing: Vec<&str> = OFFERED
        .iter()
        .copied()
        .filter(|name| !wanted.values().any(|(package, ..)| package == name))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{PACKAGE} (playground/Cargo.toml) does not depend on {}: add each with `workspace = true`",
            missing.join(", ")
        );
    }
    // Every package reachable from ours through normal and build
    // dependencies: what a build of its library may compile.
    let nodes: HashMap<&str, &Node> = resolve.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut reachable: BTreeSet<&str> = BTreeSet::from([ours.id.as_str()]);
    let mut stack = vec![ours.id.as_str()];
    while let Some(id) = stack.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in &node.deps {
            let only_dev = !dep.dep_kinds.is_empty()
                && dep.dep_kinds.iter().all(|k| k.kind.as_deref() == Some("dev"));
            if !only_dev && reachable.insert(dep.pkg.as_str()) {
                stack.push(dep.pkg.as_str());
            }
        }
    }
    Ok((wanted, reachable.len()))
}
