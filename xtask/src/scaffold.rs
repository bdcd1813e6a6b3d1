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

use crate::kinds::{EXERCISE_ANSWER_STD, EXERCISE_ANSWER_TOKIO, EXERCISE_TODO, Kind, naming};
use crate::listings::reader_command;

/// Reads `--kind`: one of the kinds of `[package.metadata.book]`.
pub fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::parse(text)
}

/// Creates `listings/<chapter>/<name>/` for a listing of `kind`, and prints
/// what to paste into the chapter.
pub fn new_listing(root: &Path, chapter: &str, name: &str, kind: Kind) -> Result<()> {
    let number = chapter_number(chapter)?;
    check_name(name)?;
    let rel_dir = naming::dir_of(chapter, name);
    let package = naming::package_of_dir(&rel_dir).context("a listing folder")?;
    let dir = root.join(&rel_dir);
    if dir.exists() {
        bail!("{rel_dir} already exists; choose another name");
    }
    let rules = kind.rules();
    // An exercise comes as a pair: the starter the reader finishes, and the
    // solution whose tests (the same tests) pass.
    let solution = rules.solution.map(|solution_kind| {
        let name = format!("{name}-solution");
        let dir = naming::dir_of(chapter, &name);
        (naming::solution_of(&package), dir, solution_kind)
    });
    if let Some((_, solution_dir, _)) = &solution
        && root.join(solution_dir).exists()
    {
        bail!("{solution_dir} already exists; choose another name");
    }
    let tokio = workspace_has_tokio(root)?;
    let files = listing_files(&package, kind, tokio);
    write_files(&dir, &files)?;
    if let Some((solution_package, solution_dir, solution_kind)) = &solution {
        let mut solution_files = listing_files(solution_package, *solution_kind, tokio);
        solution_files[1].1 = answered(&files[1].1, tokio);
        write_files(&root.join(solution_dir), &solution_files)?;
        println!(
            "created {solution_dir}/ (package `{solution_package}`, kind `{solution_kind}`): the solution"
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
    if let Some((solution_package, solution_dir, solution_kind)) = &solution {
        println!("And this on the solutions page, src/{chapter}-solutions.md:");
        println!();
        print!("{}", listing_block(solution_dir, solution_package, *solution_kind));
        println!();
    }
    println!("Next:");
    println!(
        "  1. Write the listing in {rel_dir}/{} between its ANCHOR lines,",
        rules.template.source_file
    );
    println!("     and set the caption in the chapter.");
    if let Some(step) = rules.template.next_step {
        println!("     {step}");
    }
    let command = reader_command(kind, &package, &[]);
    if rules.blessed.is_empty() {
        println!("  2. {command}    (nothing to bless: its tests are the check)");
    } else {
        println!("  2. {command}");
        println!("     cargo xtask bless {package}");
        println!("     git diff    (read the expected output it wrote)");
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

/// The `<Listing>` block, and the included output under it.
fn listing_block(rel_dir: &str, package: &str, kind: Kind) -> String {
    let rules = kind.rules();
    let mut block = format!(
        "<Listing caption=\"TODO: what this listing shows\">\n\n\
         ```rust\n{{{{#rustdoc_include ../{rel_dir}/{}:all}}}}\n```\n\n</Listing>\n",
        rules.template.source_file
    );
    if let Some((verb, blessed)) = rules.shown {
        block.push_str(&format!(
            "\n{{{{listing {package}}}}} {verb}\n\n```text\n{{{{#include ../{rel_dir}/{}}}}}\n```\n",
            blessed.file_name()
        ));
    }
    block
}

/// The crate's files, relative to its folder, from `xtask/templates/`.
fn listing_files(package: &str, kind: Kind, tokio: bool) -> Vec<(String, String)> {
    let template = kind.rules().template;
    let dependencies = if tokio && template.uses_tokio {
        "\n[dependencies]\ntokio.workspace = true\n"
    } else {
        ""
    };
    let manifest =
        format!("{}{}{dependencies}", include_str!("../templates/package.toml"), template.metadata)
            .replace("PACKAGE", package);
    let source = if tokio { template.tokio } else { template.std };
    let mut files = vec![
        ("Cargo.toml".to_string(), manifest),
        (template.source_file.to_string(), source.to_string()),
    ];
    for (file, text) in template.extra {
        files.push((file.to_string(), text.replace("PACKAGE", package)));
    }
    files
}

/// The solution of a scaffolded exercise: its starter, answered.
fn answered(starter: &str, tokio: bool) -> String {
    let answer = if tokio { EXERCISE_ANSWER_TOKIO } else { EXERCISE_ANSWER_STD };
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
    println!(
        "  the exercise:  cargo xtask new-listing {chapter} ex-<name> --kind exercise  \
         (creates its -solution crate too)"
    );
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
(`cargo xtask new-listing ch{number:02} ex-<name> --kind exercise`, which also
creates its solution, `ex-<name>-solution`, kind `tests`). The solution is shown on the
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
            let exercise = Kind::Exercise.rules().template;
            let starter = if tokio { exercise.tokio } else { exercise.std };
            let solution = answered(starter, tokio);
            assert!(!solution.contains("todo!"), "{solution}");
            let tests = |text: &str| text[text.find("#[cfg(test)]").unwrap()..].to_string();
            assert_eq!(tests(starter), tests(&solution));
        }
    }
}
