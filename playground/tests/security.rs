//! The playground runs arbitrary code on the reader's machine: only the
//! book's own pages may use it, and no program can outlast its limits.
//! Each case gets a clear error, and the playground keeps serving.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use book_playground::client;
use common::{Server, start, test_options, unprivileged};
use std::path::PathBuf;

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
    assert!(server().playground.router(server().addr).is_ok());
    // One playground signs browsers in to one server: its cookie names
    // the port.
    let other = std::net::SocketAddr::from(([127, 0, 0, 1], server().addr.port() ^ 1));
    let error = server().playground.router(other).unwrap_err();
    assert!(format!("{error}").contains("made for another port already"), "{error}");
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

    // The session is guarded the same way.
    let response = server().get("/meta/session", &[("Host", &host)]);
    assert_eq!(response.status, 403, "{}", response.text());
    server().assert_still_serving();
}

#[test]
fn a_run_without_a_signed_in_session_is_refused() {
    // What a browser that was never signed in sends: every header of the
    // book's own page, no cookie.
    let response = server().post("/execute", HELLO.as_bytes(), &[("Cookie", "")]);
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(error_of(&response).contains("not signed in"), "{}", response.text());
    assert!(error_of(&response).contains("sign-in link"), "{}", response.text());

    // A made-up session, and a cookie of another port's server.
    let other = format!("book-playground-{}=00ff", server().addr.port() + 1);
    let own_name = format!("book-playground-{}=0123456789abcdef", server().addr.port());
    for cookie in [own_name.as_str(), other.as_str()] {
        let response = server().post("/execute", HELLO.as_bytes(), &[("Cookie", cookie)]);
        assert_eq!(response.status, 403, "{cookie}: {}", response.text());
    }

    let evaluate = r#"{"version":"stable","optimize":"0","code":"fn main(){}","edition":"2021"}"#;
    let response = server().post("/evaluate.json", evaluate.as_bytes(), &[("Cookie", "")]);
    assert_eq!(response.status, 403, "{}", response.text());
    server().assert_still_serving();
}

/// As another local user, or a Run, would try it: any headers it likes,
/// and every route the playground has. Nothing it can ask for lets it Run.
#[test]
fn no_reply_gives_a_local_process_what_lets_it_run() {
    let own = server().addr.to_string();
    let origin = format!("http://{own}");
    let browser_like = [
        ("Host", own.as_str()),
        ("Origin", origin.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
        ("Sec-Fetch-Mode", "cors"),
        ("Sec-Fetch-Dest", "empty"),
    ];
    let session = server().get("/meta/session", &browser_like);
    assert_eq!(session.status, 200, "{}", session.text());
    let reply = session.json().unwrap();
    assert_eq!(reply["signedIn"], false, "{reply:#}");
    assert!(reply["howToSignIn"].as_str().unwrap().contains("cargo xtask serve"), "{reply:#}");
    assert_eq!(session.header("set-cookie"), None, "the session route set a cookie");
    // The sign-in route, without a secret or with a wrong one, sets none.
    for path in ["/meta/sign-in", "/meta/sign-in?secret=", "/meta/sign-in?secret=0123"] {
        let response = server().get(path, &browser_like);
        assert_eq!(response.status, 403, "{path}: {}", response.text());
        assert_eq!(response.header("set-cookie"), None, "{path} set a cookie");
        assert!(response.text().contains("This sign-in link does not work"), "{}", response.text());
    }
    let crates = server().get("/meta/crates", &browser_like);
    assert_eq!(crates.header("set-cookie"), None);
    // With all that, a Run is still refused.
    let response = server().post("/execute", HELLO.as_bytes(), &[("Cookie", "")]);
    assert_eq!(response.status, 403, "{}", response.text());
}

#[test]
fn a_sign_in_link_works_once_and_its_cookie_runs_code() {
    let link = server().playground.sign_in_link(server().addr).unwrap();
    let path = link.strip_prefix(&format!("http://{}", server().addr)).unwrap().to_string();
    let navigate = [("Sec-Fetch-Site", "none"), ("Sec-Fetch-Mode", "navigate")];
    let response = server().get(&path, &navigate);
    assert_eq!(response.status, 303, "{}", response.text());
    assert_eq!(response.header("location"), Some("/"));
    let set_cookie = response.header("set-cookie").expect("a session cookie").to_string();
    assert!(set_cookie.contains("; HttpOnly; SameSite=Strict; Path=/"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    let session =
        server().get("/meta/session", &[("Sec-Fetch-Site", "same-origin"), ("Cookie", &cookie)]);
    assert_eq!(session.json().unwrap()["signedIn"], true, "{}", session.text());
    let response = server().post("/execute", HELLO.as_bytes(), &[("Cookie", &cookie)]);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json().unwrap()["stdout"], "hi\n", "{}", response.text());

    // The same link again: used up.
    let again = server().get(&path, &navigate);
    assert_eq!(again.status, 403, "{}", again.text());
    assert_eq!(again.header("set-cookie"), None);
    // Another site's page cannot use a link from a script, an image or a
    // frame (only a top-level navigation may come from elsewhere), and the
    // refused request does not use the link up.
    let link = server().playground.sign_in_link(server().addr).unwrap();
    let path = link.strip_prefix(&format!("http://{}", server().addr)).unwrap().to_string();
    for mode in ["no-cors", "cors"] {
        let response =
            server().get(&path, &[("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", mode)]);
        assert_eq!(response.status, 403, "{mode}: {}", response.text());
        assert_eq!(response.header("set-cookie"), None);
    }
    // Opened as a page from elsewhere, as `serve --open` does from a local
    // file: the secret lets it in, once.
    let page = [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate")];
    let response = server().get(&path, &page);
    assert_eq!(response.status, 303, "{}", response.text());
    assert!(response.header("set-cookie").is_some());
    let again = server().get(&path, &page);
    assert_eq!(again.status, 403, "{}", again.text());
    // A made-up secret, from elsewhere, gets nothing either.
    let response = server().get("/meta/sign-in?secret=00112233445566778899aabbccddeeff", &page);
    assert_eq!(response.status, 403, "{}", response.text());
    assert_eq!(response.header("set-cookie"), None);
}

#[test]
fn the_session_is_readable_only_by_a_same_origin_script() {
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
    assert_eq!(response.json().unwrap()["signedIn"], false, "{}", response.text());
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
    assert!(!response.text().contains("crates"), "{}", response.text());

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
            if !entry.file_name().to_string_lossy().starts_with(&marker) {
                continue;
            }
            // Tests that start their own playground remove its whole work
            // folder when they stop, which can happen between listing the
            // temporary folder and reading this one: a folder gone is a
            // folder removed.
            let entries = match std::fs::read_dir(entry.path()) {
                Ok(entries) => entries,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => panic!("reading {}: {error}", entry.path().display()),
            };
            for run in entries.flatten() {
                runs.push(run.path());
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
    // a busy machine could outlast before the third request is read). The
    // Run's /tmp is its own: the test writes the file there through
    // /proc/PID/root, PID being the copy of the program that carries a
    // word of its own.
    options.run_timeout = Duration::from_secs(60);
    let server = start(options);
    let token = unique("queue-release");
    let slow = r#"
fn main() {
    if std::env::args().nth(1).is_none() {
        let me = std::env::current_exe().unwrap();
        std::process::Command::new(me).arg("TOKEN").status().unwrap();
        return;
    }
    while !std::path::Path::new("/tmp/release").exists() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    println!("released");
}
"#
    .replace("TOKEN", &token);
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
        // The first Run's program, then the queued one's when it starts.
        let mut released = Vec::new();
        for _ in 0..2 {
            let deadline = Instant::now() + Duration::from_secs(60);
            let pid = loop {
                let found = processes_with(&token);
                let new = found.iter().map(|p| p.split(' ').next().unwrap().to_string());
                if let Some(pid) = new.into_iter().find(|pid| !released.contains(pid)) {
                    break pid;
                }
                assert!(Instant::now() < deadline, "Run {} never started", released.len() + 1);
                std::thread::sleep(Duration::from_millis(5));
            };
            std::fs::write(format!("/proc/{pid}/root/tmp/release"), "").unwrap();
            released.push(pid);
        }
        (
            first.join().unwrap(),
            second.join().unwrap(),
            (third.0, format!("{} (load then: {load:?})", third.1)),
        )
    });
    assert_eq!(first.0, 200, "{first:?}");
    assert!(first.1.contains("released"), "{first:?}");
    assert_eq!(second.0, 200, "the queued Run ran when its turn came: {second:?}");
    assert!(second.1.contains("released"), "{second:?}");
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

// ------------------------------------------------- connection hygiene ----

/// Raises this process's soft limit on open files to `want` (the tests'
/// attacker and the server under attack share the process).
fn allow_open_files(want: u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit only read and write `limit`.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_cur < want as libc::rlim_t {
            assert!(
                limit.rlim_max >= want as libc::rlim_t,
                "this test needs {want} open files; the hard limit is {}",
                limit.rlim_max
            );
            limit.rlim_cur = want as libc::rlim_t;
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
    }
}

#[test]
fn a_thousand_idle_connections_do_not_keep_a_run_out() {
    use std::io::Read as _;
    // The server's own limits, as `cargo xtask serve` uses them.
    let limits = book_playground::http::Limits::default();
    let server = common::start_with(test_options(), limits.clone());
    allow_open_files(4096);
    // Another local process opens 1,000 connections and sends nothing.
    let idle: Vec<std::net::TcpStream> = (0..1000)
        .map(|i| {
            std::net::TcpStream::connect(server.addr)
                .unwrap_or_else(|e| panic!("idle connection {i}: {e}"))
        })
        .collect();
    // Then the reader clicks Run.
    let reply = server.execute("fn main() { println!(\"after the idle sockets\"); }");
    assert_eq!(reply["success"], true, "{reply:#}");
    assert_eq!(reply["stdout"], "after the idle sockets\n", "{reply:#}");

    let stats = server.http.stats();
    assert!(
        stats.open <= limits.max_connections,
        "{} connections open, over the cap of {}",
        stats.open,
        limits.max_connections
    );
    // The Run's connection came after all 1,000 (the kernel hands them
    // out in order), so each of those beyond the cap made room by closing
    // an idle one.
    assert!(
        stats.evicted >= (1000 - limits.max_connections) as u64,
        "only {} idle connections were closed: {stats:?}",
        stats.evicted
    );
    // And the attacker sees it: its sockets beyond the cap were closed
    // (a closed socket reads end-of-file at once; one still open would
    // wait, so each is asked with a short timeout, again until enough are
    // closed or 30 s have passed).
    let mut open = idle;
    let mut closed = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while closed < 1000 - limits.max_connections && Instant::now() < deadline {
        open.retain_mut(|socket| {
            socket.set_read_timeout(Some(Duration::from_millis(5))).unwrap();
            let mut byte = [0u8; 1];
            let gone = match socket.read(&mut byte) {
                Ok(0) => true,
                Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
                Ok(_) => false,
            };
            closed += usize::from(gone);
            !gone
        });
    }
    assert!(
        closed >= 1000 - limits.max_connections,
        "only {closed} of the 1,000 idle sockets were closed by the server"
    );
    server.assert_still_serving();
}

#[test]
fn a_slowloris_client_is_cut_off_at_the_header_timeout() {
    use std::io::Write as _;
    let limits = book_playground::http::Limits {
        header_timeout: Duration::from_secs(2),
        ..book_playground::http::Limits::default()
    };
    let server = common::start_with(test_options(), limits);
    // A request head that, one byte every 50 ms, would take 60 s to send.
    let head = format!(
        "GET /index.html HTTP/1.1\r\nHost: {}\r\nX-Slow: {}\r\n\r\n",
        server.addr,
        "a".repeat(1200)
    );
    let mut socket = std::net::TcpStream::connect(server.addr).unwrap();
    socket.set_nodelay(true).unwrap();
    let started = Instant::now();
    let mut cut_after = None;
    for (sent, byte) in head.as_bytes().iter().enumerate() {
        if socket.write_all(&[*byte]).is_err() {
            cut_after = Some((sent, started.elapsed()));
            break;
        }
        // Pacing the attack, not waiting for anything.
        std::thread::sleep(Duration::from_millis(50));
    }
    let (sent, took) = cut_after.unwrap_or_else(|| {
        panic!("the server read the whole {}-byte head, one byte at a time", head.len())
    });
    assert!(
        took >= Duration::from_secs(1),
        "cut off after {took:?}, before the 2 s header timeout ({sent} bytes sent)"
    );
    assert!(
        took < Duration::from_secs(30),
        "cut off only after {took:?} ({sent} bytes), not near the 2 s header timeout"
    );
    server.assert_still_serving();
}

#[test]
fn a_body_that_trickles_is_cut_off_at_the_body_timeout() {
    use std::io::{Read as _, Write as _};
    let mut options = test_options();
    options.body_timeout = Duration::from_secs(1);
    let server = start(options);
    // A signed-in client announces 1,000 bytes of body and sends 10.
    let head = format!(
        "POST /execute HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Sec-Fetch-Site: same-origin\r\nCookie: {cookie}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"code\": ",
        addr = server.addr,
        cookie = server.cookie,
    );
    let mut socket = std::net::TcpStream::connect(server.addr).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let started = Instant::now();
    socket.write_all(head.as_bytes()).unwrap();
    let mut reply = Vec::new();
    let read = socket.read_to_end(&mut reply);
    let took = started.elapsed();
    let reply = String::from_utf8_lossy(&reply);
    assert!(read.is_ok(), "no reply and no close within 30 s ({read:?}), got so far:\n{reply}");
    assert!(reply.starts_with("HTTP/1.1 408 "), "after {took:?}:\n{reply}");
    assert!(reply.contains("did not arrive within 1 s"), "{reply}");
    assert!(took >= Duration::from_secs(1), "cut off after {took:?}, before the 1 s timeout");
    server.assert_still_serving();
}

#[test]
fn a_client_that_stops_reading_is_cut_off_at_the_write_timeout() {
    use std::io::{Read as _, Write as _};
    let limits = book_playground::http::Limits {
        write_timeout: Duration::from_secs(1),
        ..book_playground::http::Limits::default()
    };
    let server = common::start_with(test_options(), limits);
    // A reply far larger than the sockets' buffers, so the server's writes
    // wait for a reader.
    let size = 64 << 20;
    std::fs::write(server.static_dir.path().join("big.bin"), vec![b'x'; size]).unwrap();
    let mut socket = std::net::TcpStream::connect(server.addr).unwrap();
    let started = Instant::now();
    write!(socket, "GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).unwrap();
    // The reply's first bytes show the connection was taken and is
    // replying; then the client reads nothing more until the server has
    // closed the connection.
    let mut received = vec![0; 100];
    socket.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    socket.read_exact(&mut received).expect("the reply's first 100 bytes");
    assert!(
        received.starts_with(b"HTTP/1.1 200 "),
        "the reply began: {:?}",
        String::from_utf8_lossy(&received)
    );
    let deadline = started + Duration::from_secs(60);
    while server.http.stats().open > 0 {
        assert!(
            Instant::now() < deadline,
            "the connection is still open 60 s after its client stopped reading: {:?}",
            server.http.stats()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(1), "closed after {took:?}, before the 1 s write timeout");
    // What the sockets' buffers held arrives, then the end: never the whole.
    let ended = socket.read_to_end(&mut received);
    assert!(
        received.len() < size,
        "all {} bytes arrived although the connection was cut ({ended:?})",
        received.len()
    );
    server.assert_still_serving();
}

#[test]
fn static_files_get_the_host_check_and_anti_framing_headers() {
    let page = server().get("/index.html", &[]);
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(page.text(), "<p>a page of the book</p>");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("content-security-policy"), Some("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));

    // A DNS-rebinding page asks for the book's files: refused too.
    let host = format!("evil.example:{}", server().addr.port());
    let page = server().get("/index.html", &[("Host", &host)]);
    assert_eq!(page.status, 403, "{}", page.text());
    assert!(!page.text().contains("a page of the book"), "{}", page.text());
    assert!(error_of(&page).contains(&format!("Host '{host}' is not this playground's address")));
    assert_eq!(page.header("x-frame-options"), Some("DENY"), "error replies too");

    // Every reply of the playground's API too, errors included.
    for response in [
        server().get("/meta/crates", &[]),
        server().post("/execute", HELLO.as_bytes(), &[("Cookie", "")]),
        server().get("/no/such/file.html", &[]),
    ] {
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{response:?}");
        assert_eq!(
            response.header("content-security-policy"),
            Some("frame-ancestors 'none'"),
            "{response:?}"
        );
    }
}

#[test]
fn a_repeated_host_or_origin_is_refused() {
    let own = server().addr.to_string();
    let origin = format!("http://{own}");
    // Our own Host first, another second (or the other way round): a proxy
    // and the server could each believe a different one.
    for hosts in [[own.as_str(), "evil.example"], ["evil.example", own.as_str()]] {
        for path in ["/index.html", "/meta/session"] {
            let response = server().get(path, &[("Host", hosts[0]), ("Host", hosts[1])]);
            assert_eq!(response.status, 400, "{path} with Host {hosts:?}: {}", response.text());
            assert!(
                error_of(&response).contains("more than one host header"),
                "{}",
                response.text()
            );
        }
    }
    // Even the same Host twice.
    let response = server().get("/index.html", &[("Host", &own), ("Host", &own)]);
    assert_eq!(response.status, 400, "{}", response.text());

    let response = client::request(
        server().addr,
        "POST",
        "/execute",
        &[
            ("Content-Type", "application/json"),
            ("Cookie", &server().cookie),
            ("Origin", &origin),
            ("Origin", "http://evil.example"),
        ],
        HELLO.as_bytes(),
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(error_of(&response).contains("more than one origin header"), "{}", response.text());
    server().assert_still_serving();
}

// ------------------------------------------------------------ folders ----

#[test]
fn a_runs_folder_is_private_and_its_name_random() {
    let code = r#"
use std::os::unix::fs::PermissionsExt;
fn main() {
    let dir = std::env::current_dir().unwrap();
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o7777;
    let parent = std::fs::metadata(dir.parent().unwrap()).unwrap().permissions().mode() & 0o7777;
    println!("{} {mode:o} {parent:o}", dir.display());
}
"#;
    // The session's secret value, as the browser sends it.
    let session = server().cookie.split_once('=').unwrap().1.to_string();
    let mut names = Vec::new();
    for _ in 0..2 {
        let reply = server().execute(code);
        assert_eq!(reply["success"], true, "{reply:#}");
        let stdout = reply["stdout"].as_str().unwrap().trim().to_string();
        let words: Vec<&str> = stdout.split(' ').collect();
        let [dir, mode, parent_mode] = words[..] else { panic!("unexpected output {stdout:?}") };
        assert_eq!(mode, "700", "the Run's folder {dir} is readable by others");
        assert_eq!(parent_mode, "711", "others may list the playground's folder of {dir}");
        // No part of the path gives away any 8 characters of the session.
        for window in session.as_bytes().windows(8) {
            let piece = std::str::from_utf8(window).unwrap();
            assert!(!dir.contains(piece), "{dir} contains {piece}, a piece of the session");
        }
        let name = dir.rsplit('/').next().unwrap().to_string();
        assert!(name.starts_with("run-") && name.len() >= 10, "{name}");
        names.push(name);
    }
    assert_ne!(names[0], names[1], "two Runs got the same folder name");
}

#[test]
fn a_planted_snapshot_folder_or_symlink_is_not_used() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    // Another user's preparations: the predictable names `serve --snapshot`
    // once used, as a folder they own and as a symlink to their folder.
    let tmp = std::env::temp_dir();
    let attacker = tempfile::tempdir().unwrap();
    let planted_link = tmp.join(format!("book-snapshot-{}", std::process::id()));
    let planted_dir = tmp.join(format!("book-snapshot-{}", std::process::id() + 1));
    let _ = std::fs::remove_file(&planted_link);
    let _ = std::fs::remove_dir_all(&planted_dir);
    std::os::unix::fs::symlink(attacker.path(), &planted_link).unwrap();
    std::fs::create_dir(&planted_dir).unwrap();
    std::fs::set_permissions(&planted_dir, std::fs::Permissions::from_mode(0o777)).unwrap();

    // What `serve --snapshot` makes its folder with.
    let snapshot = book_playground::private_dir(&tmp, "book-snapshot-", 0o700).unwrap();
    std::fs::write(snapshot.path().join("index.html"), "the book").unwrap();

    let path = snapshot.path();
    assert_ne!(path, planted_link);
    assert_ne!(path, planted_dir);
    let meta = std::fs::symlink_metadata(path).unwrap();
    assert!(meta.is_dir() && !meta.file_type().is_symlink(), "{} is not a folder", path.display());
    assert_eq!(meta.mode() & 0o7777, 0o700, "{} is open to others", path.display());
    // SAFETY: geteuid has no preconditions.
    assert_eq!(meta.uid(), unsafe { libc::geteuid() });
    assert_eq!(
        std::fs::read_dir(attacker.path()).unwrap().count(),
        0,
        "the book was written into the attacker's folder"
    );
    assert_eq!(std::fs::read_dir(&planted_dir).unwrap().count(), 0);
    std::fs::remove_file(&planted_link).unwrap();
    std::fs::remove_dir(&planted_dir).unwrap();
}

// ------------------------------------------------- as a reader's user ----

/// Every test in this file again, with the playground run by a user who is
/// not root, as on a reader's laptop (CI runs as root, and a root server
/// gives each Run a user id of its own, which hides what an unprivileged
/// server must hold by other means: `setsid` children, the process limit,
/// the user namespace of the jail). See `common/unprivileged.rs`.
#[test]
fn every_test_here_passes_for_a_playground_that_is_not_root() {
    if let Some(uid) = std::env::var_os(unprivileged::RERUN) {
        // This is the rerun: prove it runs as the dedicated user, with no
        // capabilities, before its other tests count.
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let field = |name: &str| {
            status.lines().find_map(|l| l.strip_prefix(name)).unwrap_or("").trim().to_string()
        };
        let uid = uid.to_string_lossy().into_owned();
        assert_eq!(field("Uid:"), [uid.as_str(); 4].join("\t"), "{status}");
        assert_eq!(field("Gid:"), [uid.as_str(); 4].join("\t"), "{status}");
        assert_eq!(field("CapEff:"), "0000000000000000", "{status}");
        assert_eq!(field("CapPrm:"), "0000000000000000", "{status}");
        return;
    }
    if !is_root() {
        eprintln!(
            "not rerun as a dedicated user: this run is already not root, so the other \
             tests here are the unprivileged run"
        );
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let listed = std::process::Command::new(&exe).args(["--list", "--format", "terse"]).output();
    let listed = String::from_utf8(listed.expect("listing the tests").stdout).unwrap();
    let tests = listed.lines().filter(|l| l.ends_with(": test")).count();
    assert!(tests > 20, "too few tests listed:\n{listed}");

    // What the playground reads or writes: the workspace (its target/
    // holds the prebuilt crates and this executable), cargo's home and the
    // toolchain.
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()));
    let env_or =
        |name: &str, default: PathBuf| std::env::var_os(name).map(PathBuf::from).unwrap_or(default);
    let sysroot = std::process::Command::new(std::env::var_os("RUSTC").unwrap_or("rustc".into()))
        .args(["--print", "sysroot"])
        .output()
        .expect("running rustc --print sysroot");
    let mut needed = vec![
        common::workspace_root(),
        exe.parent().unwrap().to_path_buf(),
        env_or("CARGO_HOME", home.join(".cargo")),
        env_or("RUSTUP_HOME", home.join(".rustup")),
        PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim()),
    ];
    needed.extend(std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from));
    needed.extend(std::env::var_os("CARGO").map(PathBuf::from));

    // One test at a time: the rerun shares the machine with this run's
    // other tests.
    let rerun = unprivileged::rerun_this_executable(
        &["--test-threads", "1"],
        &needed,
        Duration::from_secs(600),
    );
    let stdout = String::from_utf8_lossy(&rerun.output.stdout);
    let stderr = String::from_utf8_lossy(&rerun.output.stderr);
    let said = format!(
        "the rerun as uid {} (with {:?} mapped to it) {}:\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        rerun.uid, rerun.mapped, rerun.output.status
    );
    assert!(rerun.output.status.success(), "{said}");
    let summary = format!("test result: ok. {tests} passed; 0 failed; 0 ignored;");
    assert!(stdout.contains(&summary), "expected `{summary}`, all {tests} tests run: {said}");
    eprintln!("rerun as uid {} with {:?} mapped to it: {summary}", rerun.uid, rerun.mapped);
}

// ----------------------------------------------------- process floods ----

#[test]
fn a_run_right_after_a_process_flood_succeeds() {
    // Its own playground with one Run at a time: the Run after the flood
    // gets the flood's slot (and, as root, its user id).
    let mut options = test_options();
    options.max_concurrent = 1;
    let server = start(options);
    let flood = r#"
use std::process::Command;
fn main() {
    let me = std::env::current_exe().unwrap();
    // "again", not "copy": the fork-flood test looks for " copy" processes
    // left behind, and tests run at the same time in one process.
    loop { let _ = Command::new(&me).arg("again").spawn(); }
}
"#;
    // A tokio runtime with worker threads, as the book's listings start.
    let after = r#"
#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let handles: Vec<_> = (0..8).map(|i| tokio::task::spawn_blocking(move || i)).collect();
    let mut sum = 0;
    for h in handles { sum += h.await.unwrap(); }
    println!("sum {sum}");
}
"#;
    for round in 0..3 {
        let reply = server.execute(flood);
        assert_eq!(reply["exitDetail"], "timed out after 3 s", "round {round}: {reply:#}");
        let reply = server.execute(after);
        assert_eq!(reply["success"], true, "round {round}: the Run after a flood: {reply:#}");
        assert_eq!(reply["stdout"], "sum 28\n", "round {round}: {reply:#}");
    }
}

// ------------------------------------------------------------ the jail ----
// What `book-playground-jail` (src/jail.rs) must hold, tried as a program
// or a hostile listing would. These assume the namespaces are available
// (the start-up report says whether they are); without them each fails,
// as a machine without them is less safe.

/// A word no other process on the machine has in its arguments.
fn unique(what: &str) -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{what}-{}-{nanos}", std::process::id())
}

/// Processes anywhere on the machine with `needle` in their arguments.
fn processes_with(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(format!("{} {cmdline}", entry.file_name().to_string_lossy()));
        }
    }
    found
}

#[test]
fn a_setsid_child_and_a_double_forked_daemon_are_gone_when_the_reply_arrives() {
    let token = unique("jail-daemon");
    // It starts a copy of itself in a session of its own (`setsid`), and a
    // daemon the classic way (a shell that starts it in the background and
    // exits, so it is nobody's child), waits until both run, and exits.
    let code = r##"
use std::process::Command;
fn session() -> String {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // pid (comm) state ppid pgrp session ...
    stat.rsplit(')').next().unwrap().split_whitespace().nth(3).unwrap().to_string()
}
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 {
        // Written whole, then renamed into place: read whole or not at all.
        std::fs::write(format!("/tmp/{}.new", args[1]), session()).unwrap();
        std::fs::rename(format!("/tmp/{}.new", args[1]), format!("/tmp/{}", args[1])).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3600));
        return;
    }
    let me = std::env::current_exe().unwrap();
    Command::new("setsid").arg(&me).arg("setsid-TOKEN").spawn().unwrap();
    Command::new("sh")
        .arg("-c")
        .arg(r#""$0" daemon-TOKEN </dev/null >/dev/null 2>&1 &"#)
        .arg(&me)
        .status()
        .unwrap();
    for name in ["setsid-TOKEN", "daemon-TOKEN"] {
        let path = format!("/tmp/{name}");
        // (Until it does: the Run's timeout bounds the wait.)
        let theirs = loop {
            match std::fs::read_to_string(&path) {
                Ok(s) => break s,
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(1)),
            }
        };
        println!("{} runs, session {}", name.split('-').next().unwrap(), if theirs == session() { "mine" } else { "its own" });
    }
}
"##
    .replace("TOKEN", &token);
    let reply = server().execute(&code);
    assert_eq!(reply["success"], true, "{reply:#}");
    assert_eq!(
        reply["stdout"], "setsid runs, session its own\ndaemon runs, session mine\n",
        "{reply:#}"
    );
    // The reply comes after the Run's PID namespace is gone: nothing waits.
    let left = processes_with(&token);
    assert!(left.is_empty(), "still running after the reply: {left:?}\n{reply:#}");
}

#[test]
fn a_4_gib_allocation_is_refused_and_the_reply_says_so() {
    let code = r#"
fn main() {
    let mut v: Vec<u8> = Vec::new();
    match v.try_reserve(4 << 30) {
        Ok(()) => println!("try_reserve(4 GiB): granted"),
        Err(_) => println!("try_reserve(4 GiB): refused"),
    }
    let v = vec![1u8; 4 << 30];
    println!("vec![1; 4 GiB]: granted, {}", v[v.len() - 1]);
}
"#;
    let reply = server().execute(code);
    assert_eq!(reply["success"], false, "{reply:#}");
    assert_eq!(reply["stdout"], "try_reserve(4 GiB): refused\n", "{reply:#}");
    assert_eq!(reply["exitDetail"], "signal: 6 (SIGABRT)", "{reply:#}");
    let stderr = reply["stderr"].as_str().unwrap();
    assert!(stderr.contains("memory allocation of 4294967296 bytes failed\n"), "{reply:#}");
    assert!(
        stderr.contains(
            "\nerror: the program ran out of memory: the local playground gives it 3072 MiB of address space\n"
        ),
        "{reply:#}"
    );
    server().assert_still_serving();
}

#[test]
fn filling_tmp_is_refused_when_the_box_is_full_and_leaves_nothing() {
    let token = unique("jail-fill");
    // 1 GB in files of 64 KiB, or until refused.
    let code = r#"
fn main() {
    let chunk = vec![7u8; 64 * 1024];
    for i in 0..16384 {
        if let Err(e) = std::fs::write(format!("/tmp/TOKEN-{i}"), &chunk) {
            println!("refused after {} KiB: {e}", i * 64);
            return;
        }
    }
    println!("wrote 1 GiB");
}
"#
    .replace("TOKEN", &token);
    let reply = server().execute(&code);
    assert_eq!(reply["success"], true, "{reply:#}");
    let stdout = reply["stdout"].as_str().unwrap();
    let kib: u64 = stdout
        .strip_prefix("refused after ")
        .and_then(|rest| rest.strip_suffix(" KiB: No space left on device (os error 28)\n"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not refused for a full /tmp:\n{reply:#}"));
    assert!(kib <= 64 * 1024, "{kib} KiB written, more than the box's 64 MiB:\n{reply:#}");
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(&token))
        .collect();
    assert!(left.is_empty(), "files in the host's temporary folder: {left:?}");
    server().assert_still_serving();
}

#[test]
fn a_run_reaches_only_its_own_loopback() {
    // A service of the machine, on the host's loopback.
    let host = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    host.set_nonblocking(true).unwrap();
    let port = host.local_addr().unwrap().port();
    let code = r#"
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
fn main() {
    match TcpStream::connect("127.0.0.1:PORT") {
        Ok(_) => println!("host's port PORT: connected"),
        Err(e) => println!("host's port PORT: {e}"),
    }
    let own = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = own.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut peer, _) = own.accept().unwrap();
        let mut text = String::new();
        peer.read_to_string(&mut text).unwrap();
        text
    });
    TcpStream::connect(addr).unwrap().write_all(b"hello").unwrap();
    println!("own loopback: {}", server.join().unwrap());
}
"#
    .replace("PORT", &port.to_string());
    let reply = server().execute(&code);
    assert_eq!(reply["success"], true, "{reply:#}");
    assert_eq!(
        reply["stdout"],
        format!("host's port {port}: Connection refused (os error 111)\nown loopback: hello\n"),
        "{reply:#}"
    );
    match host.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the host's listener saw {other:?}\n{reply:#}"),
    }
}

#[test]
fn the_compiler_reads_no_file_outside_the_run() {
    // A secret of the machine, readable by the server's user.
    let secrets = tempfile::tempdir().unwrap();
    let secret = unique("jail-secret");
    let path = secrets.path().join("secret.txt");
    std::fs::write(&path, &secret).unwrap();
    let attempts = [
        format!("static S: &str = include_str!({:?}); fn main() {{ println!(\"{{S}}\"); }}", path),
        format!("#[path = {:?}] mod m; fn main() {{}}", path),
        "#[path = \"/etc/shadow\"] mod m; fn main() {}".to_string(),
        "static S: &[u8] = include_bytes!(\"/root/.bashrc\"); fn main() {}".to_string(),
    ];
    for code in attempts {
        let reply = server().execute(&code);
        assert_eq!(reply["success"], false, "{code}\n{reply:#}");
        let stderr = reply["stderr"].as_str().unwrap();
        assert!(stderr.contains("No such file or directory (os error 2)"), "{code}\n{reply:#}");
        assert!(!stderr.contains(&secret) && reply["stdout"] == "", "{code}\n{reply:#}");
    }
    server().assert_still_serving();
}

#[test]
fn including_dev_zero_is_stopped_at_the_compilers_memory_cap() {
    let reply = server().execute("static Z: &[u8] = include_bytes!(\"/dev/zero\"); fn main() {}");
    assert_eq!(reply["success"], false, "{reply:#}");
    let stderr = reply["stderr"].as_str().unwrap();
    assert!(stderr.contains("error: couldn't read `/dev/zero`: out of memory\n"), "{reply:#}");
    assert!(
        stderr.contains(
            "\nerror: the compiler ran out of memory: the local playground gives it 3072 MiB of address space\n"
        ),
        "{reply:#}"
    );
    server().assert_still_serving();
}
