//! The playground runs arbitrary code on the reader's machine: only the
//! book's own pages may use it, and no program can outlast its limits.
//! Each case gets a clear error, and the playground keeps serving.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use book_playground::client;
use common::{Server, start, test_options};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start(test_options()))
}

const HELLO: &str = r#"{"channel":"stable","mode":"debug","edition":"2024","crateType":"bin","tests":false,"backtrace":false,"code":"fn main() { println!(\"hi\"); }"}"#;

fn error_of(response: &client::HttpResponse) -> String {
    response.json().unwrap_or_else(|e| panic!("{e}"))["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {}", response.text()))
        .to_string()
}

#[test]
fn it_serves_on_loopback_only() {
    let error = server().playground.router("0.0.0.0:3000".parse().unwrap()).unwrap_err();
    assert!(format!("{error}").contains("only listens on a loopback address"), "{error}");
    let error = server().playground.router("192.0.2.7:3000".parse().unwrap()).unwrap_err();
    assert!(format!("{error}").contains("not on 192.0.2.7:3000"), "{error}");
    assert!(server().playground.router("127.0.0.1:3000".parse().unwrap()).is_ok());
}

#[test]
fn a_cross_origin_post_is_refused() {
    let response =
        server().post("/execute", HELLO.as_bytes(), &[("Origin", "http://evil.example")]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(
        error_of(&response)
            .contains("Origin 'http://evil.example' may not use the local playground")
    );
    assert_eq!(response.header("access-control-allow-origin"), None, "no CORS headers, ever");

    // A page on another port of the same machine is another origin too.
    let other_port = format!("http://127.0.0.1:{}", server().addr.port() + 1);
    let response = server().post("/execute", HELLO.as_bytes(), &[("Origin", &other_port)]);
    assert_eq!(response.status, 403, "{}", response.text());

    // A no-CORS form post from another site, with no Origin header at all.
    let response = server().post(
        "/execute",
        HELLO.as_bytes(),
        &[("Origin", ""), ("Sec-Fetch-Site", "cross-site")],
    );
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(error_of(&response).contains("Sec-Fetch-Site: cross-site"));
    server().assert_still_serving();
}

#[test]
fn a_foreign_host_is_refused() {
    // What a DNS-rebinding page at evil.example sends after its name
    // starts resolving to 127.0.0.1.
    let host = format!("evil.example:{}", server().addr.port());
    let origin = format!("http://{host}");
    let response =
        server().post("/execute", HELLO.as_bytes(), &[("Host", &host), ("Origin", &origin)]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(
        error_of(&response).contains(&format!("Host '{host}' is not this playground's address"))
    );

    // The session (and its token) is guarded the same way.
    let response = server().get("/meta/session", &[("Host", &host)]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(!response.text().contains(&server().token()));
    server().assert_still_serving();
}

#[test]
fn a_run_without_the_token_is_refused() {
    let response = server().post("/execute", HELLO.as_bytes(), &[("X-Playground-Token", "")]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(error_of(&response).contains("missing X-Playground-Token header"));

    let response = server().post("/execute", HELLO.as_bytes(), &[("X-Playground-Token", "0123")]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(error_of(&response).contains("wrong X-Playground-Token"));

    let evaluate = r#"{"version":"stable","optimize":"0","code":"fn main(){}","edition":"2021"}"#;
    let response =
        server().post("/evaluate.json", evaluate.as_bytes(), &[("X-Playground-Token", "")]);
    assert_eq!(response.status, 403, "{}", response.text());
    server().assert_still_serving();
}

#[test]
fn the_token_is_readable_only_by_a_same_origin_script() {
    // What the book's page does: a same-origin fetch.
    let response = server().get(
        "/meta/session",
        &[
            ("Sec-Fetch-Site", "same-origin"),
            ("Sec-Fetch-Mode", "cors"),
            ("Sec-Fetch-Dest", "empty"),
        ],
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json().unwrap()["token"], server().token());
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(response.header("content-type"), Some("application/json"));

    // <script src="http://127.0.0.1:PORT/meta/session"> on another site.
    let response = server().get(
        "/meta/session",
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Mode", "no-cors"),
            ("Sec-Fetch-Dest", "script"),
        ],
    );
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(!response.text().contains(&server().token()));

    // Even from our own origin, only a fetch may load it.
    let response = server()
        .get("/meta/session", &[("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Dest", "script")]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(error_of(&response).contains("Sec-Fetch-Dest: script"));
}

#[test]
fn an_infinite_loop_is_killed_at_the_timeout() {
    let started = Instant::now();
    let reply =
        server().execute("fn main() { println!(\"spinning\"); loop { std::hint::spin_loop(); } }");
    let took = started.elapsed();
    assert_eq!(reply["success"], false, "{reply:#}");
    assert_eq!(reply["exitDetail"], "timed out after 3 s", "{reply:#}");
    assert_eq!(reply["stdout"], "spinning\n", "output before the kill is kept: {reply:#}");
    assert!(
        reply["stderr"]
            .as_str()
            .unwrap()
            .contains("the program was stopped: it ran longer than 3 s"),
        "{reply:#}"
    );
    // The bound covers compiling too, on a loaded machine; the loop never
    // ends by itself, so the reply alone shows it was killed.
    assert!(took < Duration::from_secs(20), "the reply took {took:?} (over 20 s):\n{reply:#}");
    server().assert_still_serving();
}

/// Processes of this test process's playground programs still alive whose
/// arguments include `needle`: their executable is in the playground's
/// work folder.
fn leftover_programs(needle: &str) -> Vec<String> {
    let marker = format!("book-playground-{}-", std::process::id());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else { continue };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if exe.to_string_lossy().contains(&marker) && cmdline.contains(needle) {
            found.push(format!("{} {cmdline}", entry.file_name().to_string_lossy()));
        }
    }
    found
}

/// Waits a little for killed processes to disappear; fails if they stay.
fn assert_none_left(needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = leftover_programs(needle);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes left after the run: {left:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `started N refused M`, whole, or nothing.
fn started_and_refused(line: &str) -> Option<(u32, u32)> {
    let mut words = line.split(' ');
    let (Some("started"), Some(started), Some("refused"), Some(refused), None) =
        (words.next(), words.next(), words.next(), words.next(), words.next())
    else {
        return None;
    };
    Some((started.parse().ok()?, refused.parse().ok()?))
}

#[test]
fn a_fork_flood_is_contained_and_killed() {
    // Every process starts copies of itself as fast as it can, and the
    // first one leaves its process group on the way.
    let code = r#"
use std::process::Command;
fn main() {
    let me = std::env::current_exe().unwrap();
    let first = std::env::args().count() == 1;
    let (mut started, mut refused) = (0u32, 0u32);
    loop {
        match Command::new(&me).arg("copy").spawn() {
            Ok(_) => started += 1,
            Err(_) => refused += 1,
        }
        if first && (started + refused) % 50 == 0 {
            eprintln!("started {started} refused {refused}");
        }
    }
}
"#;
    let started = Instant::now();
    let reply = server().execute(code);
    assert_eq!(reply["success"], false, "{reply:#}");
    assert_eq!(reply["exitDetail"], "timed out after 3 s", "{reply:#}");
    assert!(started.elapsed() < Duration::from_secs(30), "the reply took {:?}", started.elapsed());
    // The process limit (64 in these tests) held: the first process was
    // refused most of its spawns.
    let stderr = reply["stderr"].as_str().unwrap();
    // The program is killed in the middle of printing, so its last line may
    // be cut short ("started 1"). Read only lines that a newline ended and
    // that parse whole.
    let complete = stderr.rsplit_once('\n').map_or("", |(done, _)| done);
    let (started_count, refused) =
        complete.lines().rev().find_map(started_and_refused).unwrap_or_else(|| {
            panic!("no complete `started N refused M` line in stderr:\n{stderr}")
        });
    // (Not run as root, the limit is on top of the user's other processes,
    // some of which may end meanwhile: hence the slack.)
    assert!(
        started_count < 128 && refused > 0,
        "the process limit did not hold: started {started_count} refused {refused}\n{reply:#}"
    );

    // Nothing it started is left running. As root the Run's uid is handed
    // out again only once nothing runs under it, so by the time the reply
    // comes nothing is left, with no waiting; otherwise killing the process
    // group may take a moment to be seen in /proc.
    if is_root() {
        let left = leftover_programs(" copy");
        assert!(left.is_empty(), "the reply came while these still ran: {left:?}\n{reply:#}");
    } else {
        assert_none_left(" copy");
    }
    // A Run right after the flood starts its 17 threads: nothing the flood
    // left counts against its process limit (it is handed the lowest free
    // uid, which is the flood's unless a lower one was freed meanwhile).
    let after = server().execute(THREADS);
    assert_eq!(after["success"], true, "a Run right after a fork flood failed:\n{after:#}");
    assert_eq!(after["stdout"], "16 workers and a blocking thread ran\n", "{after:#}");
}

/// A program that starts 17 threads (16 tokio workers, one blocking).
const THREADS: &str = r#"
#[tokio::main(flavor = "multi_thread", worker_threads = 16)]
async fn main() {
    let workers = tokio::runtime::Handle::current().metrics().num_workers();
    tokio::task::spawn_blocking(|| ()).await.unwrap();
    println!("{workers} workers and a blocking thread ran");
}
"#;

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

#[test]
fn what_a_program_leaves_running_is_killed_when_it_exits() {
    // It starts a copy of itself that would linger for a minute, and exits.
    let code = r#"
fn main() {
    if std::env::args().nth(1).as_deref() == Some("linger") {
        std::thread::sleep(std::time::Duration::from_secs(3600));
        return;
    }
    let me = std::env::current_exe().unwrap();
    std::process::Command::new(me).arg("linger").spawn().unwrap();
    println!("left a process behind");
}
"#;
    // The copy would sleep an hour, far beyond the client's 60 s: that a
    // reply comes at all shows it did not wait for the copy, on a machine
    // however busy.
    let reply = server().execute(code);
    assert_eq!(reply["success"], true, "{reply:#}");
    assert_eq!(reply["stdout"], "left a process behind\n", "{reply:#}");
    assert_none_left(" linger");
}

#[test]
fn a_flood_of_output_is_capped_at_640_kib() {
    let started = Instant::now();
    let reply = server().execute("fn main() { loop { println!(\"{}\", \"x\".repeat(1023)); } }");
    assert_eq!(reply["success"], false, "{reply:#}");
    let stdout = reply["stdout"].as_str().unwrap();
    assert_eq!(
        reply["exitDetail"],
        "output over 640 KiB",
        "stdout: {} bytes; stderr: {}",
        stdout.len(),
        reply["stderr"]
    );
    assert!(
        stdout.len() <= 640 * 1024,
        "stdout is {} bytes; stderr: {}",
        stdout.len(),
        reply["stderr"]
    );
    assert!(
        stdout.len() >= 600 * 1024,
        "stdout is only {} bytes; stderr: {}",
        stdout.len(),
        reply["stderr"]
    );
    assert!(
        reply["stderr"].as_str().unwrap().contains("it wrote more than 640 KiB of output"),
        "{}",
        reply["stderr"]
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "stopped at the cap, not the timeout, yet the reply took {:?}",
        started.elapsed()
    );
    server().assert_still_serving();
}

#[test]
fn malformed_json_gets_a_400_that_says_why() {
    let response = server().post("/execute", b"{\"code\": \"fn main() {}\", ", &[]);
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(
        error_of(&response).starts_with("malformed JSON request: EOF while parsing"),
        "{}",
        response.text()
    );

    let response = server().post("/execute", b"{\"channel\": \"stable\"}", &[]);
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(error_of(&response).contains("missing field `code`"), "{}", response.text());
    server().assert_still_serving();
}

#[test]
fn a_10_mb_body_gets_a_413() {
    let code = "/".repeat(10 * 1024 * 1024);
    let body = format!(
        r#"{{"channel":"stable","mode":"debug","edition":"2024","crateType":"bin","tests":false,"code":"{code}"}}"#
    );
    let response = server().post("/execute", body.as_bytes(), &[]);
    assert_eq!(response.status, 413, "{}", response.text());
    let error = error_of(&response);
    assert!(error.contains(&format!("the request body is {} bytes", body.len())), "{error}");
    assert!(error.contains("accepts at most 524288 bytes"), "{error}");
    server().assert_still_serving();
}

#[test]
fn temporary_files_are_removed() {
    server().assert_still_serving();
    server().execute("fn main() { std::fs::write(\"scratch.txt\", \"left behind?\").unwrap(); }");
    let work = std::env::temp_dir();
    let marker = format!("book-playground-{}-", std::process::id());
    // Other tests share the server: wait until no Run is in progress.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut runs = Vec::new();
        for entry in std::fs::read_dir(&work).unwrap().flatten() {
            if entry.file_name().to_string_lossy().starts_with(&marker) {
                for run in std::fs::read_dir(entry.path()).unwrap().flatten() {
                    runs.push(run.path());
                }
            }
        }
        if runs.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "Run folders not removed: {runs:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn runs_beyond_the_limit_wait_in_the_queue_and_all_succeed() {
    // Its own playground: two at a time, so four concurrent Runs queue.
    let server = start(test_options());
    let code = "#[tokio::main] async fn main() { tokio::time::sleep(std::time::Duration::from_millis(300)).await; println!(\"done\"); }";
    let replies: Vec<serde_json::Value> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| server.execute(code))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for reply in replies {
        assert_eq!(reply["success"], true, "{reply:#}");
        assert_eq!(reply["stdout"], "done\n");
    }
}

#[test]
fn a_full_queue_turns_runs_away_with_a_503() {
    let mut options = test_options();
    options.max_concurrent = 1;
    options.max_queued = 1;
    // The first Run holds its place until the third has been turned away:
    // it waits for a file the test writes then (not for a fixed time, which
    // a busy machine could outlast before the third request is read).
    options.run_timeout = Duration::from_secs(60);
    let server = start(options);
    let release =
        std::env::temp_dir().join(format!("book-playground-test-release-{}", std::process::id()));
    let _ = std::fs::remove_file(&release);
    let slow = format!(
        "fn main() {{ while !std::path::Path::new({:?}).exists() {{ \
         std::thread::sleep(std::time::Duration::from_millis(10)); }} println!(\"released\"); }}",
        release.display().to_string()
    );
    let body = serde_json::json!({"channel": "stable", "mode": "debug", "edition": "2024",
        "crateType": "bin", "tests": false, "code": slow})
    .to_string();
    let post = || {
        let response = server.post("/execute", body.as_bytes(), &[]);
        (response.status, response.text())
    };
    let wait_for_load = |want: (usize, usize)| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.playground.load() != want {
            assert!(
                Instant::now() < deadline,
                "load is {:?}, not {want:?}",
                server.playground.load()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let (first, second, third) = std::thread::scope(|scope| {
        let first = scope.spawn(post);
        wait_for_load((1, 0)); // running, none waiting
        let second = scope.spawn(post);
        wait_for_load((1, 1)); // running, one waiting: the queue is full
        let third = post();
        let load = server.playground.load();
        std::fs::write(&release, "").unwrap();
        (
            first.join().unwrap(),
            second.join().unwrap(),
            (third.0, format!("{} (load then: {load:?})", third.1)),
        )
    });
    let _ = std::fs::remove_file(&release);
    assert_eq!(first.0, 200, "{first:?}");
    assert!(first.1.contains("released"), "{first:?}");
    assert_eq!(second.0, 200, "the queued Run ran when its turn came: {second:?}");
    assert_eq!(third.0, 503, "{third:?}");
    assert!(third.1.contains("the local playground is busy"), "{third:?}");
    server.assert_still_serving();
}

#[test]
fn a_killed_playgrounds_folder_is_removed_by_the_next_one() {
    // No process can have this id (above the kernel's largest pid_max);
    // the rest of the name is this test process's, so two runs of these
    // tests at once do not share it. It is made elsewhere and renamed into
    // place whole, since another test's playground, starting meanwhile, may
    // remove it at any moment after that.
    let name = format!("book-playground-4194305-{}", std::process::id());
    let stale = std::env::temp_dir().join(&name);
    let making = std::env::temp_dir().join(format!("making-{name}"));
    std::fs::create_dir_all(making.join("run-0")).unwrap();
    std::fs::write(making.join("run-0").join("main.rs"), "fn main() {}").unwrap();
    std::fs::rename(&making, &stale).unwrap();
    let playground = book_playground::Playground::start(test_options()).unwrap();
    assert!(!stale.exists(), "{} was left in place", stale.display());
    drop(playground);
}
