//! `cargo xtask new-listing` and `cargo xtask new-chapter`: the files a new
//! listing or chapter needs, made right the first time, and what to do next.
//!
//! A new listing is a crate at `listings/<chapter>/<name>/` that passes
//! `cargo xtask test` once its expected output is blessed; the workspace's
//! `listings/*/*` members glob picks it up with no edit of Cargo.toml. Its
//! code fits its kind (a real panic, a real compiler error) and is meant to be
//! replaced by the listing the chapter needs.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::listings::{COMPILE_ERROR_FEATURE, Kind};

/// Reads `--kind`: one of the kinds of `[package.metadata.book]`.
pub fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::ALL.into_iter().find(|k| k.to_string() == text).ok_or_else(|| {
        let kinds: Vec<String> = Kind::ALL.iter().map(|k| k.to_string()).collect();
        format!("the kinds are {}", kinds.join(", "))
    })
}

/// Creates `listings/<chapter>/<name>/` for a listing of `kind`, and prints
/// what to paste into the chapter.
pub fn new_listing(root: &Path, chapter: &str, name: &str, kind: Kind) -> Result<()> {
    let number = chapter_number(chapter)?;
    check_name(name)?;
    let package = format!("{chapter}-{name}");
    let rel_dir = format!("listings/{chapter}/{name}");
    let dir = root.join(&rel_dir);
    if dir.exists() {
        bail!("{rel_dir} already exists; choose another name");
    }
    // An exercise comes as a pair: the starter the reader finishes, and the
    // solution whose tests (the same tests) pass.
    let solution = (kind == Kind::Exercise).then(|| {
        let name = format!("{name}-solution");
        (format!("{chapter}-{name}"), format!("listings/{chapter}/{name}"))
    });
    if let Some((_, solution_dir)) = &solution
        && root.join(solution_dir).exists()
    {
        bail!("{solution_dir} already exists; choose another name");
    }
    let tokio = workspace_has_tokio(root)?;
    let files = listing_files(&package, kind, tokio);
    write_files(&dir, &files)?;
    if let Some((solution_package, solution_dir)) = &solution {
        let mut solution_files = listing_files(solution_package, Kind::Tests, tokio);
        solution_files[1].1 = exercise_solution(tokio);
        write_files(&root.join(solution_dir), &solution_files)?;
        println!(
            "created {solution_dir}/ (package `{solution_package}`, kind `tests`): the solution"
        );
    }

    println!("created {rel_dir}/ (package `{package}`, kind `{kind}`):");
    for (file, _) in &files {
        println!("  {rel_dir}/{file}");
    }
    println!();
    let chapter_file = chapter_file(root, number);
    println!(
        "Paste this where the listing belongs in {}:",
        chapter_file.as_deref().unwrap_or("the chapter (src/chNN-<slug>.md)")
    );
    println!();
    print!("{}", listing_block(&rel_dir, &package, kind));
    println!();
    if let Some((solution_package, solution_dir)) = &solution {
        println!("And this on the solutions page, src/{chapter}-solutions.md:");
        println!();
        print!("{}", listing_block(solution_dir, solution_package, Kind::Tests));
        println!();
    }
    println!("Next:");
    println!("  1. Write the listing in {rel_dir}/{} between its ANCHOR lines,", main_file(kind));
    println!("     and set the caption in the chapter.");
    match kind {
        Kind::DoesNotCompile => {
            println!("     Set `error` in its Cargo.toml to the code it fails with (now E0308).")
        }
        Kind::Panics => {
            println!("     Set `panic` in its Cargo.toml to text from its panic message.")
        }
        Kind::Serves => {
            println!("     Keep tests/serves.rs in step: it starts the server and talks to it.")
        }
        Kind::Exercise => println!(
            "     Solve it in the -solution crate, and keep the two crates' tests the same\n     \
             (`cargo xtask test` checks that they are)."
        ),
        _ => {}
    }
    let command = match kind {
        Kind::DoesNotCompile => {
            format!("cargo run -p {package} --features {COMPILE_ERROR_FEATURE}")
        }
        Kind::Tests | Kind::Serves | Kind::Exercise => format!("cargo test -p {package}"),
        Kind::Runs | Kind::Panics => format!("cargo run -p {package}"),
    };
    match kind {
        Kind::Runs | Kind::Panics | Kind::DoesNotCompile => {
            println!("  2. {command}");
            println!("     cargo xtask bless {package}");
            println!("     git diff    (read the expected output it wrote)");
        }
        Kind::Tests | Kind::Serves | Kind::Exercise => {
            println!("  2. {command}    (nothing to bless: its tests are the check)");
        }
    }
    println!("  3. cargo xtask test    (every check CI runs)");
    Ok(())
}

fn write_files(dir: &Path, files: &[(String, String)]) -> Result<()> {
    for (file, text) in files {
        let path = dir.join(file);
        fs::create_dir_all(path.parent().expect("a file in the crate"))?;
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `ch05` → 5.
fn chapter_number(chapter: &str) -> Result<u32> {
    let digits = chapter.strip_prefix("ch").filter(|d| d.len() == 2);
    match digits.and_then(|d| d.parse().ok()) {
        Some(number) => Ok(number),
        None => bail!("the chapter is written `ch` and two digits, like `ch05` (got `{chapter}`)"),
    }
}

/// Listing names and chapter slugs are short kebab-case words.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if !ok {
        bail!("`{name}` is not a kebab-case name like `spawn-borrow` (a-z, 0-9 and -)");
    }
    Ok(())
}

/// Whether the workspace declares tokio: the book's does; small fixture
/// books don't, and get plain-std listings that build in a second.
fn workspace_has_tokio(root: &Path) -> Result<bool> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))
        .with_context(|| format!("reading {}/Cargo.toml", root.display()))?;
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[workspace.dependencies]";
        } else if in_dependencies && line.split(['=', '.', ' ']).next() == Some("tokio") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `src/chNN-*.md` of the chapter, if it exists.
fn chapter_file(root: &Path, number: u32) -> Option<String> {
    let prefix = format!("ch{number:02}-");
    let mut names: Vec<String> = fs::read_dir(root.join("src"))
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".md") && !n.ends_with("-solutions.md"))
        .collect();
    names.sort();
    names.into_iter().next().map(|n| format!("src/{n}"))
}

fn main_file(kind: Kind) -> &'static str {
    match kind {
        Kind::Tests | Kind::Exercise => "src/lib.rs",
        _ => "src/main.rs",
    }
}

/// The `<Listing>` block, and the included output under it.
fn listing_block(rel_dir: &str, package: &str, kind: Kind) -> String {
    let mut block = format!(
        "<Listing caption=\"TODO: what this listing shows\">\n\n\
         ```rust\n{{{{#rustdoc_include ../{rel_dir}/{}:all}}}}\n```\n\n</Listing>\n",
        main_file(kind)
    );
    let output = match kind {
        Kind::Runs => Some(("prints:", "output.txt")),
        Kind::Panics => Some(("panics:", "stderr.txt")),
        Kind::DoesNotCompile => Some(("does not compile:", "stderr.txt")),
        _ => None,
    };
    if let Some((verb, file)) = output {
        block.push_str(&format!(
            "\n{{{{listing {package}}}}} {verb}\n\n```text\n{{{{#include ../{rel_dir}/{file}}}}}\n```\n"
        ));
    }
    block
}

/// The crate's files, relative to its folder.
fn listing_files(package: &str, kind: Kind, tokio: bool) -> Vec<(String, String)> {
    let mut metadata = format!("[package.metadata.book]\nkind = \"{kind}\"\n");
    let mut extra = String::new();
    match kind {
        Kind::DoesNotCompile => {
            metadata.push_str("error = \"E0308\"\n");
            extra = format!(
                "\n# The binary only exists with this feature, so that the workspace\n\
                 # builds; `cargo xtask test` turns it on and checks the error.\n\
                 [features]\n{COMPILE_ERROR_FEATURE} = []\n\n\
                 [[bin]]\nname = \"{package}\"\npath = \"src/main.rs\"\n\
                 required-features = [\"{COMPILE_ERROR_FEATURE}\"]\n"
            );
        }
        Kind::Panics => metadata.push_str("panic = \"there is no first result\"\n"),
        _ => {}
    }
    // A does-not-compile listing fails before it needs any crate.
    let dependencies = if tokio && kind != Kind::DoesNotCompile {
        "\n[dependencies]\ntokio.workspace = true\n"
    } else {
        ""
    };
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition.workspace = true\n\
         rust-version.workspace = true\npublish.workspace = true\n\n{metadata}{extra}{dependencies}"
    );
    let mut files = vec![("Cargo.toml".to_string(), manifest)];
    let source = match (kind, tokio) {
        (Kind::Runs, true) => RUNS_TOKIO,
        (Kind::Runs, false) => RUNS_STD,
        (Kind::Tests, true) => TESTS_TOKIO,
        (Kind::Tests, false) => TESTS_STD,
        (Kind::DoesNotCompile, _) => DOES_NOT_COMPILE,
        (Kind::Panics, true) => PANICS_TOKIO,
        (Kind::Panics, false) => PANICS_STD,
        (Kind::Serves, true) => SERVES_TOKIO,
        (Kind::Serves, false) => SERVES_STD,
        (Kind::Exercise, true) => EXERCISE_TOKIO,
        (Kind::Exercise, false) => EXERCISE_STD,
    };
    files.push((main_file(kind).to_string(), source.to_string()));
    if kind == Kind::Serves {
        let test = SERVES_TEST.replace("PACKAGE", package);
        files.push(("tests/serves.rs".to_string(), test));
    }
    files
}

const RUNS_TOKIO: &str = r#"// ANCHOR: all
use std::time::Duration;

// The paused clock makes sleeps instant and their order certain, so the
// output is the same on every run.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let greeting = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        "hello"
    };
    println!("{} after 100 ms", greeting.await);
}
// ANCHOR_END: all
"#;

const RUNS_STD: &str = r#"// ANCHOR: all
fn main() {
    println!("hello");
}
// ANCHOR_END: all
"#;

const TESTS_TOKIO: &str = r#"// ANCHOR: all
/// Adds two numbers, as slowly as an async function may.
pub async fn add(a: u32, b: u32) -> u32 {
    tokio::task::yield_now().await;
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn adds() {
        assert_eq!(add(2, 3).await, 5);
    }
}
// ANCHOR_END: all
"#;

const TESTS_STD: &str = r#"// ANCHOR: all
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 3), 5);
    }
}
// ANCHOR_END: all
"#;

const DOES_NOT_COMPILE: &str = r#"// ANCHOR: all
async fn answer() -> u32 {
    42
}

fn main() {
    // Calling an async fn gives a future, not its output: error E0308.
    let number: u32 = answer();
    println!("{number}");
}
// ANCHOR_END: all
"#;

const PANICS_TOKIO: &str = r#"// ANCHOR: all
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let results: Vec<u32> = Vec::new();
    println!("{} results", results.len());
    let first = results.first().expect("there is no first result");
    println!("the first is {first}");
}
// ANCHOR_END: all
"#;

const PANICS_STD: &str = r#"// ANCHOR: all
fn main() {
    let results: Vec<u32> = Vec::new();
    println!("{} results", results.len());
    let first = results.first().expect("there is no first result");
    println!("the first is {first}");
}
// ANCHOR_END: all
"#;

const SERVES_TOKIO: &str = r#"// ANCHOR: all
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// An echo server: it sends back every byte it receives.
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buffer = [0; 1024];
            while let Ok(n) = socket.read(&mut buffer).await {
                if n == 0 || socket.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        });
    }
}
// ANCHOR_END: all
"#;

const SERVES_STD: &str = r#"// ANCHOR: all
use std::io::{Read, Write};
use std::net::TcpListener;

// An echo server: it sends back every byte it receives.
fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("listening on {}", listener.local_addr()?);
    for socket in listener.incoming() {
        let mut socket = socket?;
        std::thread::spawn(move || {
            let mut buffer = [0; 1024];
            while let Ok(n) = socket.read(&mut buffer) {
                if n == 0 || socket.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}
// ANCHOR_END: all
"#;

const SERVES_TEST: &str = r#"//! Starts the server, talks to it on 127.0.0.1, and stops it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// Stops the server even when an assertion fails.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn echoes_what_it_is_sent() {
    let child = Command::new(env!("CARGO_BIN_EXE_PACKAGE"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the server says where it listens");

    let mut client = TcpStream::connect(address).unwrap();
    client.write_all(b"hello").unwrap();
    let mut reply = [0; 5];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"hello");
}
"#;

const EXERCISE_TOKIO: &str = r#"// ANCHOR: all
/// Returns the numbers from `n` down to 1, one per tick of a timer.
pub async fn countdown(n: u32) -> Vec<u32> {
    // Your code here: make the test below pass.
    todo!("count down from {n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn counts_down_from_three() {
        assert_eq!(countdown(3).await, vec![3, 2, 1]);
    }
}
// ANCHOR_END: all
"#;

const EXERCISE_STD: &str = r#"// ANCHOR: all
/// Returns the numbers from `n` down to 1.
pub fn countdown(n: u32) -> Vec<u32> {
    // Your code here: make the test below pass.
    todo!("count down from {n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_from_three() {
        assert_eq!(countdown(3), vec![3, 2, 1]);
    }
}
// ANCHOR_END: all
"#;

/// Where the reader works in an exercise's starter; its solution is the
/// same file with this part solved, so the two never carry different tests.
const EXERCISE_TODO: &str =
    "    // Your code here: make the test below pass.\n    todo!(\"count down from {n}\")\n";

const EXERCISE_TOKIO_ANSWER: &str = "    \
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
    let mut numbers = Vec::new();
    for number in (1..=n).rev() {
        ticks.tick().await;
        numbers.push(number);
    }
    numbers
";

const EXERCISE_STD_ANSWER: &str = "    (1..=n).rev().collect()\n";

/// The solution of the scaffolded exercise: its starter, answered.
fn exercise_solution(tokio: bool) -> String {
    let (starter, answer) = if tokio {
        (EXERCISE_TOKIO, EXERCISE_TOKIO_ANSWER)
    } else {
        (EXERCISE_STD, EXERCISE_STD_ANSWER)
    };
    debug_assert!(starter.contains(EXERCISE_TODO));
    starter.replacen(EXERCISE_TODO, answer, 1)
}

/// Creates `src/chNN-<slug>.md`, its solutions page, their SUMMARY.md
/// entries and `listings/chNN/`.
pub fn new_chapter(root: &Path, number: u32, slug: &str, title: &str) -> Result<()> {
    if !(1..=99).contains(&number) {
        bail!("a chapter number is 1 to 99 (got {number})");
    }
    check_name(slug)?;
    if title.trim().is_empty() || title.contains(['[', ']', '\n']) {
        bail!("the title must be one line, without [ or ]");
    }
    let chapter = format!("ch{number:02}");
    if let Some(existing) = chapter_file(root, number) {
        bail!("chapter {number} already exists: {existing}");
    }
    let page = format!("{chapter}-{slug}.md");
    let solutions = format!("{chapter}-solutions.md");
    let summary_path = root.join("src/SUMMARY.md");
    let summary = fs::read_to_string(&summary_path).context("reading src/SUMMARY.md")?;
    let summary = add_to_summary(&summary, number, &page, &solutions, title);

    fs::write(root.join("src").join(&page), chapter_skeleton(number, title))?;
    if !root.join("src").join(&solutions).exists() {
        fs::write(root.join("src").join(&solutions), solutions_skeleton(number))?;
    }
    fs::write(&summary_path, summary)?;
    fs::create_dir_all(root.join("listings").join(&chapter))?;

    println!(
        "created src/{page}, src/{solutions}, listings/{chapter}/ and their SUMMARY.md entries."
    );
    println!();
    println!("Next:");
    println!("  a listing:     cargo xtask new-listing {chapter} <name> --kind runs");
    println!("  the exercise:  cargo xtask new-listing {chapter} ex-<name> --kind exercise");
    println!("  its solution:  cargo xtask new-listing {chapter} ex-<name>-solution --kind tests");
    println!("  read it:       cargo xtask serve");
    println!("  check it:      cargo xtask test");
    println!("The chapter's TODO lines say what each part holds; STYLE.md has the rules.");
    Ok(())
}

/// Inserts the chapter and its solutions page after the last chapter with a
/// smaller number (with that chapter's sub-items), or at the end.
fn add_to_summary(summary: &str, number: u32, page: &str, solutions: &str, title: &str) -> String {
    let lines: Vec<&str> = summary.lines().collect();
    let chapter_of = |line: &str| -> Option<u32> {
        let link = line.strip_prefix("- [")?;
        let target = link.split_once("](")?.1;
        target.strip_prefix("ch")?.get(..2)?.parse().ok()
    };
    let mut insert_at = None;
    for (index, line) in lines.iter().enumerate() {
        match chapter_of(line) {
            Some(n) if n < number => {
                // After this chapter and its indented sub-items.
                let mut end = index + 1;
                while end < lines.len() && lines[end].starts_with([' ', '\t']) {
                    end += 1;
                }
                insert_at = Some(end);
            }
            Some(_) => {
                insert_at.get_or_insert(index);
                break;
            }
            None => {}
        }
    }
    let entry = [format!("- [{title}]({page})"), format!("  - [Solutions]({solutions})")];
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match insert_at {
        Some(at) => {
            out.splice(at..at, entry);
        }
        None => {
            if out.last().is_some_and(|l| !l.trim().is_empty()) {
                out.push(String::new());
            }
            out.extend(entry);
        }
    }
    out.join("\n") + "\n"
}

fn chapter_skeleton(number: u32, title: &str) -> String {
    format!(
        r#"# {title}

<!-- A chapter: learning goals, a problem the reader cares about, the
concept, listings, what goes wrong (a listing that fails, with its real error
or panic) and the fix, a summary and an exercise. Prose, not bullet lists,
2,000 to 4,000 words. STYLE.md has the rules; every TODO goes before merging.
-->

After this chapter you will be able to:

- TODO: a goal the reader can check, starting with a verb
- TODO: a second goal

## TODO: the problem

TODO: a problem the reader cares about, in a paragraph or two.

## TODO: the concept

TODO: the idea, why before how. Add a listing with
`cargo xtask new-listing ch{number:02} <name> --kind runs` and paste the block it
prints here; refer to it by its package name, as STYLE.md shows.

## TODO: what goes wrong

TODO: a does-not-compile or panics listing with its real error, and the fix.

## Summary

TODO: what the reader now knows, in one paragraph.

## Exercise

TODO: the task, with the starter crate shown as a listing
(`cargo xtask new-listing ch{number:02} ex-<name> --kind exercise`). The solution
(`ex-<name>-solution`, kind `tests`) is shown on the
[solutions page](ch{number:02}-solutions.md).
"#
    )
}

fn solutions_skeleton(number: u32) -> String {
    format!(
        "# Solutions to the exercises of chapter {number}\n\n\
         TODO: each exercise's solution crate as a listing, with a paragraph on why it\n\
         works.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "# Summary\n\n[Introduction](introduction.md)\n\n# Part I\n\n\
                           - [One](ch01-one.md)\n  - [Solutions](ch01-solutions.md)\n\
                           - [Three](ch03-three.md)\n  - [Solutions](ch03-solutions.md)\n";

    #[test]
    fn a_chapter_goes_between_its_neighbours() {
        let summary = add_to_summary(SUMMARY, 2, "ch02-two.md", "ch02-solutions.md", "Two");
        assert!(summary.contains(
            "  - [Solutions](ch01-solutions.md)\n- [Two](ch02-two.md)\n  - [Solutions](ch02-solutions.md)\n- [Three]"
        ));
    }

    #[test]
    fn a_last_chapter_goes_last() {
        let summary = add_to_summary(SUMMARY, 9, "ch09-nine.md", "ch09-solutions.md", "Nine");
        assert!(summary.ends_with("- [Nine](ch09-nine.md)\n  - [Solutions](ch09-solutions.md)\n"));
    }

    #[test]
    fn names_are_checked() {
        assert!(chapter_number("ch05").is_ok());
        assert!(chapter_number("5").is_err());
        assert!(check_name("spawn-borrow").is_ok());
        assert!(check_name("Spawn_Borrow").is_err());
    }

    #[test]
    fn a_does_not_compile_listing_is_gated_by_its_feature() {
        let files = listing_files("ch04-x", Kind::DoesNotCompile, true);
        let manifest = &files[0].1;
        assert!(manifest.contains("required-features = [\"does-not-compile\"]"));
        assert!(manifest.contains("error = \"E0308\""));
        assert!(!manifest.contains("tokio"));
    }

    #[test]
    fn an_exercise_solution_is_its_starter_answered() {
        for tokio in [true, false] {
            let starter = if tokio { EXERCISE_TOKIO } else { EXERCISE_STD };
            let solution = exercise_solution(tokio);
            assert!(!solution.contains("todo!"), "{solution}");
            let tests = |text: &str| text[text.find("#[cfg(test)]").unwrap()..].to_string();
            assert_eq!(tests(starter), tests(&solution));
        }
    }
}
