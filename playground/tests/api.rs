//! The playground speaks play.rust-lang.org's API and runs code with the
//! listings' crates.

mod common;

use std::sync::OnceLock;

use common::{Server, locked_version, start, test_options};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start(test_options()))
}

const TOKIO_PROGRAM: &str = r#"
use std::time::Duration;

#[tokio::main]
async fn main() {
    let task = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(10)).await;
        21 * 2
    });
    let answer = task.await.unwrap();
    println!("the answer is {answer}");
    eprintln!("a note on stderr");
}
"#;

#[test]
fn runs_a_tokio_program_and_separates_stdout_from_stderr() {
    let reply = server().execute(TOKIO_PROGRAM);
    assert_eq!(reply["success"], true, "{reply:#}");
    assert_eq!(reply["stdout"], "the answer is 42\n");
    let stderr = reply["stderr"].as_str().unwrap();
    assert!(stderr.ends_with("a note on stderr\n"), "stderr: {stderr}");
    assert!(!stderr.contains("the answer"), "stdout leaked into stderr: {stderr}");
    assert_eq!(reply["exitDetail"], "exit status: 0");
}

#[test]
fn uses_every_offered_crate() {
    let code = r#"
use futures::StreamExt;
use pin_project_lite::pin_project;

pin_project! { struct Wrapper<F> { #[pin] inner: F } }

#[async_trait::async_trait]
trait Greet { async fn greet(&self) -> String; }
struct Reader;
#[async_trait::async_trait]
impl Greet for Reader { async fn greet(&self) -> String { "hello".into() } }

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let numbers: Vec<i32> = tokio_stream::iter(vec![1, 2, 3]).collect().await;
    let token = tokio_util::sync::CancellationToken::new();
    token.cancel();
    let _client = reqwest::Client::new();
    let _router: axum::Router = axum::Router::new();
    let _w = Wrapper { inner: async {} };
    println!("{numbers:?} {} {}", token.is_cancelled(), Reader.greet().await);
    Ok(())
}
"#;
    let reply = server().execute(code);
    assert_eq!(reply["success"], true, "{reply:#}");
    assert_eq!(reply["stdout"], "[1, 2, 3] true hello\n");
}

#[test]
fn shows_a_compile_error() {
    let reply = server().execute("fn main() { let x: i32 = \"not a number\"; }");
    assert_eq!(reply["success"], false, "{reply:#}");
    assert_eq!(reply["stdout"], "");
    let stderr = reply["stderr"].as_str().unwrap();
    assert!(stderr.contains("error[E0308]: mismatched types"), "stderr: {stderr}");
    assert!(stderr.contains(" --> src/main.rs:1:"), "the error points at the code: {stderr}");
}

#[test]
fn reports_a_panic_with_its_exit_status() {
    let reply = server().execute("fn main() { println!(\"before\"); panic!(\"boom\"); }");
    assert_eq!(reply["success"], false, "{reply:#}");
    assert_eq!(reply["stdout"], "before\n");
    assert_eq!(reply["exitDetail"], "exit status: 101");
    assert!(reply["stderr"].as_str().unwrap().contains("panicked at"), "{reply:#}");
}

#[test]
fn tests_true_runs_the_codes_tests() {
    let code = r#"
pub fn double(x: i32) -> i32 { x * 2 }

#[cfg(test)]
mod tests {
    #[test]
    fn doubles() { assert_eq!(super::double(2), 4); }

    #[tokio::test]
    async fn doubles_in_a_runtime() { assert_eq!(super::double(3), 6); }
}
"#;
    let body = serde_json::json!({
        "channel": "stable", "mode": "debug", "edition": "2024", "crateType": "lib",
        "tests": true, "backtrace": false, "code": code,
    });
    let response = server().post("/execute", body.to_string().as_bytes(), &[]);
    let reply = response.json().unwrap();
    assert_eq!(reply["success"], true, "{reply:#}");
    let stdout = reply["stdout"].as_str().unwrap();
    assert!(stdout.contains("test tests::doubles ... ok"), "stdout: {stdout}");
    assert!(stdout.contains("test result: ok. 2 passed"), "stdout: {stdout}");
}

#[test]
fn a_failing_test_fails_the_run() {
    let code = "#[test] fn wrong() { assert_eq!(1 + 1, 3); }";
    let body = serde_json::json!({"channel": "stable", "mode": "debug", "edition": "2024",
        "crateType": "lib", "tests": true, "code": code});
    let reply = server().post("/execute", body.to_string().as_bytes(), &[]).json().unwrap();
    assert_eq!(reply["success"], false, "{reply:#}");
    assert!(reply["stdout"].as_str().unwrap().contains("test wrong ... FAILED"), "{reply:#}");
}

#[test]
fn evaluate_json_answers_like_mdbooks_book_js_expects() {
    // Exactly the body mdBook 0.5's book.js sends.
    let body = serde_json::json!({"version": "stable", "optimize": "0",
        "code": "fn main() { println!(\"from evaluate\"); }", "edition": "2021"});
    let reply = server().post("/evaluate.json", body.to_string().as_bytes(), &[]).json().unwrap();
    assert_eq!(reply, serde_json::json!({"result": "from evaluate\n", "error": null}));

    let body = serde_json::json!({"version": "stable", "optimize": "0",
        "code": "fn main() { undefined() }", "edition": "2024"});
    let reply = server().post("/evaluate.json", body.to_string().as_bytes(), &[]).json().unwrap();
    let error = reply["error"].as_str().expect("an error");
    assert!(error.contains("error[E0425]"), "{reply:#}");
    assert_eq!(reply["result"], reply["error"]);
}

#[test]
fn meta_crates_lists_the_locked_versions_by_get_and_post() {
    let get = server().get("/meta/crates", &[]);
    assert_eq!(get.status, 200, "{}", get.text());
    let post = server().post("/meta/crates", b"", &[("Cookie", "")]);
    assert_eq!(post.status, 200, "{}", post.text());
    assert_eq!(get.json().unwrap(), post.json().unwrap());

    let reply = get.json().unwrap();
    let crates = reply["crates"].as_array().unwrap();
    for name in book_playground::deps::OFFERED {
        let entry = crates
            .iter()
            .find(|c| c["name"] == *name)
            .unwrap_or_else(|| panic!("{name} is not in /meta/crates: {reply:#}"));
        assert_eq!(entry["version"], locked_version(name), "{name}");
        assert_eq!(entry["id"], name.replace('-', "_"));
    }
}

#[test]
fn rejects_another_channel_and_a_bad_edition_with_a_reason() {
    let body = serde_json::json!({"channel": "nightly", "mode": "debug", "edition": "2024",
        "crateType": "bin", "tests": false, "code": "fn main() {}"});
    let response = server().post("/execute", body.to_string().as_bytes(), &[]);
    assert_eq!(response.status, 400);
    assert!(
        response.json().unwrap()["error"].as_str().unwrap().contains("only the stable toolchain")
    );

    let body = serde_json::json!({"channel": "stable", "mode": "debug", "edition": "2027",
        "crateType": "bin", "tests": false, "code": "fn main() {}"});
    let response = server().post("/execute", body.to_string().as_bytes(), &[]);
    assert_eq!(response.status, 400);
    assert_eq!(response.json().unwrap()["error"], "'2027' is not a valid edition");
}

#[test]
fn offered_crates_are_the_workspace_dependencies() {
    let manifest = std::fs::read_to_string(common::workspace_root().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let mut declared: Vec<&str> = manifest["workspace"]["dependencies"]
        .as_table()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    declared.sort();
    let mut offered = book_playground::deps::OFFERED.to_vec();
    offered.sort();
    assert_eq!(
        offered, declared,
        "the playground offers the crates of [workspace.dependencies]: update OFFERED in \
         playground/src/deps.rs and playground/Cargo.toml's dependencies"
    );
}
