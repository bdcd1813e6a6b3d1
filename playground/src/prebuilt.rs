//! Instant Run: a Run whose code is exactly an unedited listing runs the
//! binary that the workspace's build (`cargo build --workspace`, `cargo
//! xtask test`) already made, instead of compiling it again.
//!
//! Correct first: a listing is offered only where its binary's reply can be
//! the reply of a compiled Run of the same code, and its binary is used only
//! while it is provably built from the listing's current source:
//!
//! - **Which listings.** A listing crate (`listings/`) with one binary,
//!   `src/main.rs`, no feature needed, no build script, only offered crates
//!   as dependencies; its source reads no build-time environment (`env!`),
//!   no backtrace, and no line or `Location` of its own (see `SCREEN`); its
//!   binary's loaded data does not contain its crate name (`ch02_x`), which
//!   a compiled Run would print as `playground` (`type_name`, `module_path!`,
//!   tracing's targets): looked at on its first Run, then remembered.
//! - **Fresh.** Cargo's dep-info `<target>/debug/<bin>.d` names the binary
//!   and exactly one source, this listing's `src/main.rs` (so no other file
//!   went into it); that file, the listing's and the workspace's Cargo.toml,
//!   and the playground's rlibs of the listing's dependencies are all older
//!   than the binary. Checked at start and again (stat calls, one small
//!   read) on every Run; a binary changed since start is not used.
//! - **Same code.** The code must be byte for byte the file, or the file as
//!   the book's page sends it (mdBook's `rustdoc_include` drops every
//!   `ANCHOR:`/`ANCHOR_END:` line and the final newline), with the job a
//!   debug `bin` Run without tests or backtrace, in the crate's edition.
//! - **Same reply.** Cargo compiles a workspace member with its path from
//!   the workspace root, so a panic says
//!   `listings/ch02/x/src/main.rs:9:9` where a compiled Run says
//!   `src/main.rs:9:9`; and in the page's form the lines after an anchor
//!   line move up. [`Prebuilt::rewrite`] turns every `<path>:<line>:<col>`
//!   into what the compiled Run prints.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::deps::Deps;

/// Source text that makes a listing's output depend on how it was compiled
/// in ways [`Prebuilt::rewrite`] cannot undo: cargo's build-time variables,
/// a backtrace (symbol names, line tables), a line or column read on its
/// own (which moves in the page's form).
const SCREEN: &[&str] =
    &["env!", "backtrace", "Backtrace", "line!", "column!", "Location", "track_caller"];

/// One listing whose prebuilt binary may answer a Run.
#[derive(Debug, Clone)]
pub struct Listing {
    /// `ch02-count-to`.
    pub package: String,
    pub edition: String,
    /// `listings/ch02/count-to/src/main.rs`: what the binary's panics name.
    relative_source: String,
    source: PathBuf,
    binary: PathBuf,
    dep_info: PathBuf,
    /// Files the binary must be newer than besides its source.
    inputs: Vec<PathBuf>,
    /// The binary as found at start (size, modified, inode): a binary
    /// changed since is not used.
    identity: (u64, SystemTime, u64),
    /// `ch02_count_to`.
    crate_name: String,
    /// Whether the binary's data lacks its crate name (`Err(why not)`):
    /// looked at on the first Run that finds the listing (reading every
    /// binary at start would take seconds).
    screened: OnceLock<Result<(), String>>,
}

/// A match: the listing, and the lines of its file missing from the code
/// (1-based, ascending; empty when the code is the file itself).
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    pub listing: &'a Listing,
    dropped_lines: Vec<usize>,
}

/// The listings a Run may find prebuilt.
#[derive(Debug, Default)]
pub struct Prebuilt {
    listings: Vec<Listing>,
    /// Code → (listing index, dropped lines).
    by_code: HashMap<String, (usize, Vec<usize>)>,
    /// What start-up found, for the log line.
    pub stale_or_missing: Vec<String>,
    /// Listings that always compile, and why.
    pub not_offered: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    edition: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
    src_path: PathBuf,
    #[serde(rename = "required-features", default)]
    required_features: Vec<String>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
    kind: Option<String>,
}

impl Prebuilt {
    /// Finds the workspace's listings and their binaries in `target_dir`
    /// (`None`: where `cargo metadata` says the workspace builds, which
    /// follows `CARGO_TARGET_DIR` and `.cargo/config.toml`).
    pub fn scan(
        root: &Path,
        cargo: &Path,
        target_dir: Option<&Path>,
        deps: &Deps,
    ) -> Result<Prebuilt> {
        let output = Command::new(cargo)
            .current_dir(root)
            .args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"])
            .arg(root.join("Cargo.toml"))
            .stderr(Stdio::piped())
            .output()
            .with_context(|| {
                format!("running `{} metadata` in {}", cargo.display(), root.display())
            })?;
        if !output.status.success() {
            bail!("`cargo metadata` failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let metadata: Metadata =
            serde_json::from_slice(&output.stdout).context("reading `cargo metadata` output")?;
        let target_dir = target_dir.map_or(metadata.target_directory, Path::to_path_buf);
        let debug = target_dir.join("debug");
        let listings_dir = root.join("listings");

        let mut found = Prebuilt::default();
        let mut packages = metadata.packages;
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        for package in packages {
            if !package.manifest_path.starts_with(&listings_dir) {
                continue;
            }
            let name = package.name.clone();
            match candidate(root, &debug, &package, deps) {
                Ok(Some(listing)) => match listing.fresh() {
                    Ok(()) => found.add(listing)?,
                    Err(why) => found.stale_or_missing.push(format!("{name} ({why})")),
                },
                Ok(None) => {}
                Err(why) => found.not_offered.push((name, why)),
            }
        }
        Ok(found)
    }

    fn add(&mut self, listing: Listing) -> Result<()> {
        let file = std::fs::read_to_string(&listing.source)
            .with_context(|| format!("reading {}", listing.source.display()))?;
        let index = self.listings.len();
        let (page, dropped) = page_form(&file);
        if !dropped.is_empty() || page != file {
            self.by_code.insert(page, (index, dropped));
        }
        self.by_code.insert(file, (index, Vec::new()));
        self.listings.push(listing);
        Ok(())
    }

    /// How many listings a Run may find prebuilt.
    pub fn len(&self) -> usize {
        self.listings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.listings.is_empty()
    }

    /// The listing whose binary answers a Run of `code`, if its binary is
    /// still fresh and the code is still its source.
    pub fn find(&self, code: &str, edition: &str) -> Option<Matched<'_>> {
        let (index, dropped) = self.by_code.get(code)?;
        let listing = &self.listings[*index];
        if listing.edition != edition {
            return None;
        }
        // The file may have changed since start: the code must still be it.
        let file = std::fs::read_to_string(&listing.source).ok()?;
        let same = if dropped.is_empty() { file == code } else { page_form(&file).0 == code };
        if !same || listing.fresh().is_err() || identity(&listing.binary).ok()? != listing.identity
        {
            return None;
        }
        listing.screened.get_or_init(|| listing.screen()).as_ref().ok()?;
        Some(Matched { listing, dropped_lines: dropped.clone() })
    }
}

impl Listing {
    /// Whether the binary's loaded data lacks the crate name; says why not
    /// once, in the playground's log.
    fn screen(&self) -> Result<(), String> {
        let why = match loaded_sections_contain(&self.binary, self.crate_name.as_bytes()) {
            Ok(false) => return Ok(()),
            Ok(true) => format!(
                "its binary contains its crate name {} (a type or module path, a tracing \
                 target), which a compiled Run prints as `playground`",
                self.crate_name
            ),
            Err(e) => format!("reading {}: {e:#}", self.binary.display()),
        };
        eprintln!("  playground: instant Run: {} always compiles: {why}", self.package);
        Err(why)
    }

    /// The prebuilt binary, to copy into a Run's folder.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// Whether the binary is built from the current files: `Err(why not)`.
    fn fresh(&self) -> Result<(), String> {
        let built = modified(&self.binary).map_err(|_| "not built".to_string())?;
        let dep_info = std::fs::read_to_string(&self.dep_info)
            .map_err(|_| format!("no {}", self.dep_info.display()))?;
        let sources = parse_dep_info(&dep_info, &self.binary)
            .ok_or_else(|| format!("{} does not name the binary", self.dep_info.display()))?;
        if sources != [self.source.clone()] {
            return Err(format!(
                "built from {} rather than {} alone",
                sources.iter().map(|s| s.display().to_string()).collect::<Vec<_>>().join(", "),
                self.source.display()
            ));
        }
        for input in std::iter::once(&self.source).chain(&self.inputs) {
            let changed = modified(input).map_err(|e| format!("{}: {e}", input.display()))?;
            if changed >= built {
                return Err(format!("{} changed after the build", input.display()));
            }
        }
        Ok(())
    }
}

impl Matched<'_> {
    /// What a compiled Run of the same code prints, from what the prebuilt
    /// binary printed: `<relative source>:<line>:<col>` becomes
    /// `src/main.rs:<line in the code>:<col>`.
    pub fn rewrite(&self, text: &str) -> String {
        let path = &self.listing.relative_source;
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(path.as_str()) {
            out.push_str(&rest[..at]);
            rest = &rest[at + path.len()..];
            out.push_str("src/main.rs");
            let digits = rest
                .strip_prefix(':')
                .map_or(0, |r| r.bytes().take_while(u8::is_ascii_digit).count());
            if digits > 0
                && let Ok(line) = rest[1..1 + digits].parse::<usize>()
            {
                let moved = self.dropped_lines.iter().take_while(|&&d| d < line).count();
                out.push_str(&format!(":{}", line - moved));
                rest = &rest[1 + digits..];
            }
        }
        out.push_str(rest);
        out
    }
}

/// A listing whose binary could answer a Run (`Ok(Some)`), a package that is
/// no listing binary at all (`Ok(None)`: a does-not-compile listing, a
/// library), or why the listing always compiles (`Err`).
fn candidate(
    root: &Path,
    debug: &Path,
    package: &Package,
    deps: &Deps,
) -> Result<Option<Listing>, String> {
    let bins: Vec<&Target> = package.targets.iter().filter(|t| t.kind == ["bin"]).collect();
    let [bin] = bins.as_slice() else { return Ok(None) };
    if !bin.required_features.is_empty() {
        return Ok(None); // does-not-compile: no binary to run
    }
    let dir = package.manifest_path.parent().unwrap_or(root);
    let source = dir.join("src").join("main.rs");
    if bin.src_path != source {
        return Err(format!("its binary is {}, not src/main.rs", bin.src_path.display()));
    }
    if package.targets.iter().any(|t| t.kind.iter().any(|k| k == "custom-build")) {
        return Err("it has a build script".into());
    }
    // Besides its source: the manifests, and the playground's rlibs of its
    // dependencies (a dependency updated since the binary was built makes
    // it stale). Those rlibs are the playground's own build, made after the
    // workspace build on a fresh clone, so there every binary counts as
    // stale until the workspace is built again: slower, never wrong.
    let mut inputs = vec![package.manifest_path.clone(), root.join("Cargo.toml")];
    for dep in package.dependencies.iter().filter(|d| d.kind.is_none()) {
        let Some(krate) = deps.crates.iter().find(|c| c.package == dep.name) else {
            return Err(format!("it depends on {}, which a Run cannot use", dep.name));
        };
        inputs.push(krate.path.clone());
    }
    let text =
        std::fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let relative_source = source
        .strip_prefix(root)
        .map_err(|_| format!("{} is outside the workspace", source.display()))?
        .to_string_lossy()
        .into_owned();
    if let Some(word) = SCREEN.iter().find(|w| text.contains(*w)) {
        return Err(format!("its source uses `{word}`"));
    }
    if text.contains(&relative_source) {
        return Err("its source names its own path".into());
    }
    let binary = debug.join(&bin.name);
    let dep_info = debug.join(format!("{}.d", bin.name));
    let listing = Listing {
        package: package.name.clone(),
        edition: package.edition.clone(),
        relative_source,
        source,
        identity: identity(&binary).unwrap_or((0, SystemTime::UNIX_EPOCH, 0)),
        binary,
        dep_info,
        inputs,
        crate_name: bin.name.replace('-', "_"),
        screened: OnceLock::new(),
    };
    Ok(Some(listing))
}

/// The code as the book's page sends it for a file shown with
/// `{{#rustdoc_include file:anchor}}`: every line mdBook takes for an
/// anchor (its regexes `ANCHOR:\s*[\w_-]+`, `ANCHOR_END:\s*[\w_-]+`)
/// dropped, the lines joined with `\n`, no final newline. Also the lines
/// dropped (1-based).
pub fn page_form(file: &str) -> (String, Vec<usize>) {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (index, line) in file.lines().enumerate() {
        if is_anchor(line, "ANCHOR:") || is_anchor(line, "ANCHOR_END:") {
            dropped.push(index + 1);
        } else {
            kept.push(line);
        }
    }
    (kept.join("\n"), dropped)
}

/// `marker`, optional whitespace, then a word character or `-`.
fn is_anchor(line: &str, marker: &str) -> bool {
    line.match_indices(marker).any(|(at, _)| {
        line[at + marker.len()..]
            .trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

/// The sources a Makefile-style dep-info file lists for `binary`, or `None`
/// if its rule is for another file.
fn parse_dep_info(text: &str, binary: &Path) -> Option<Vec<PathBuf>> {
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let target = binary.to_string_lossy();
    let rest = line.strip_prefix(target.as_ref())?.strip_prefix(':')?;
    // Paths with spaces are written `\ `.
    let mut sources = Vec::new();
    let mut current = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                current.push(' ');
                chars.next();
            }
            ' ' | '\t' => {
                if !current.is_empty() {
                    sources.push(PathBuf::from(std::mem::take(&mut current)));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        sources.push(PathBuf::from(current));
    }
    Some(sources)
}

fn modified(path: &Path) -> std::io::Result<SystemTime> {
    std::fs::metadata(path)?.modified()
}

fn identity(path: &Path) -> std::io::Result<(u64, SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path)?;
    Ok((meta.len(), meta.modified()?, meta.ino()))
}

/// Whether `needle` occurs in a section of the ELF file that is loaded into
/// memory as data (`SHF_ALLOC`, not `SHF_EXECINSTR`): where a string the
/// program can print without reading its own file lives (`type_name`,
/// `module_path!`, a tracing target). Symbol tables and debug info are not
/// loaded, and are most of the file, so only the data sections are read.
fn loaded_sections_contain(binary: &Path, needle: &[u8]) -> Result<bool> {
    use std::os::unix::fs::FileExt as _;
    let file = std::fs::File::open(binary)?;
    let read = |offset: u64, len: usize| -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        file.read_exact_at(&mut buf, offset).context("a part past the file's end")?;
        Ok(buf)
    };
    let header = read(0, 64)?;
    // 64-bit, little-endian ELF only (x86_64, aarch64 Linux).
    if header[..6] != *b"\x7fELF\x02\x01" {
        bail!("not a 64-bit little-endian ELF file");
    }
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let shoff = u64_at(&header, 0x28);
    let shentsize = u16_at(&header, 0x3a);
    let shnum = u16_at(&header, 0x3c);
    if shentsize < 0x28 {
        bail!("an ELF section header of {shentsize} bytes");
    }
    let headers = read(shoff, shentsize * shnum)?;
    const SHF_ALLOC: u64 = 0x2;
    const SHF_EXECINSTR: u64 = 0x4;
    const SHT_NOBITS: u32 = 8;
    for i in 0..shnum {
        let h = &headers[i * shentsize..(i + 1) * shentsize];
        let flags = u64_at(h, 8);
        if flags & SHF_ALLOC == 0 || flags & SHF_EXECINSTR != 0 || u32_at(h, 4) == SHT_NOBITS {
            continue;
        }
        let data = read(u64_at(h, 0x18), u64_at(h, 0x20) as usize)?;
        if memchr::memmem::find(&data, needle).is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The log line at start.
pub fn summary(prebuilt: &Prebuilt) -> String {
    let mut line = format!(
        "instant Run: {} listings prebuilt, {} stale/missing",
        prebuilt.len(),
        prebuilt.stale_or_missing.len()
    );
    if !prebuilt.not_offered.is_empty() {
        line.push_str(&format!(", {} always compiled", prebuilt.not_offered.len()));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_form_drops_anchor_lines_and_the_final_newline() {
        let file = "use x;\n// ANCHOR: all\nfn main() {\n    // ANCHOR_END: all\n}\n";
        let (page, dropped) = page_form(file);
        assert_eq!(page, "use x;\nfn main() {\n}");
        assert_eq!(dropped, [2, 4]);
        // Not an anchor: mdBook's regexes need a name after the colon.
        assert_eq!(page_form("// ANCHOR: \nx\n").1, Vec::<usize>::new());
    }

    #[test]
    fn rewrites_the_workspace_path_and_moves_lines() {
        let listing = Listing {
            package: "ch02-x".into(),
            edition: "2024".into(),
            relative_source: "listings/ch02/x/src/main.rs".into(),
            source: PathBuf::new(),
            binary: PathBuf::new(),
            dep_info: PathBuf::new(),
            inputs: Vec::new(),
            identity: (0, SystemTime::UNIX_EPOCH, 0),
            crate_name: "ch02_x".into(),
            screened: OnceLock::new(),
        };
        let text = "thread 'main' panicked at listings/ch02/x/src/main.rs:9:9:\nboom\n\
                    [listings/ch02/x/src/main.rs:2:5] x = 1\n";
        let exact = Matched { listing: &listing, dropped_lines: Vec::new() };
        assert_eq!(
            exact.rewrite(text),
            "thread 'main' panicked at src/main.rs:9:9:\nboom\n[src/main.rs:2:5] x = 1\n"
        );
        let page = Matched { listing: &listing, dropped_lines: vec![1, 3, 20] };
        assert_eq!(
            page.rewrite(text),
            "thread 'main' panicked at src/main.rs:7:9:\nboom\n[src/main.rs:1:5] x = 1\n"
        );
    }

    #[test]
    fn finds_a_string_in_the_loaded_data_only() {
        let me = std::env::current_exe().unwrap();
        let literal = std::hint::black_box("a string this test binary keeps in .rodata");
        assert!(loaded_sections_contain(&me, literal.as_bytes()).unwrap());
        // Made at run time, reversed: in no section.
        let absent: String = std::hint::black_box("derots-reven-qz").chars().rev().collect();
        assert!(!loaded_sections_contain(&me, absent.as_bytes()).unwrap());
        let not_elf = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(not_elf.path(), b"#!/bin/sh\n").unwrap();
        assert!(loaded_sections_contain(not_elf.path(), b"x").is_err());
    }

    #[test]
    fn reads_cargos_dep_info() {
        let binary = Path::new("/w/target/debug/ch02-x");
        let text = "/w/target/debug/ch02-x: /w/listings/ch02/x/src/main.rs /w/a\\ b.rs\n";
        assert_eq!(
            parse_dep_info(text, binary).unwrap(),
            [PathBuf::from("/w/listings/ch02/x/src/main.rs"), PathBuf::from("/w/a b.rs")]
        );
        assert!(parse_dep_info(text, Path::new("/other/target/debug/ch02-x")).is_none());
    }
}
