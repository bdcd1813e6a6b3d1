//! Waiting for a child process for at most a given time while reading all
//! it prints: for a listing's binary (`run/verify.rs`) and for Chromium
//! printing the PDF (`pdf.rs`).

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Result;

/// What a child did before it exited or was stopped.
pub struct Finished {
    /// `None` when it was stopped at the time limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

/// After a kill at the time limit, how long the pipes may take to close: a
/// process the child started can hold them open, and then what it printed
/// is given up rather than waited for.
const DRAIN_AFTER_KILL: Duration = Duration::from_secs(2);

/// Waits for `child`, whose stdout and stderr must be piped, looking every
/// `poll` whether it exited; at `limit` it is killed. Both pipes are read
/// while it runs, so a child that prints much cannot block on a full pipe.
pub fn wait(mut child: Child, limit: Duration, poll: Duration) -> Result<Finished> {
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let deadline = Instant::now() + limit;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(poll);
    };
    // A child that exited by itself has closed its ends of the pipes; what
    // it started may still hold them only after a kill.
    let collect = |text: mpsc::Receiver<String>| {
        if timed_out { text.recv_timeout(DRAIN_AFTER_KILL).ok() } else { text.recv().ok() }
            .unwrap_or_default()
    };
    Ok(Finished { status, stdout: collect(stdout), stderr: collect(stderr), timed_out })
}

/// Reads `pipe` to its end on a thread of its own; the text arrives on the
/// channel (lossily decoded: a listing may print any bytes).
fn read_all(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = sender.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    receiver
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    fn sh(script: &str) -> Child {
        Command::new("sh")
            .args(["-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    #[test]
    fn a_child_that_exits_gives_its_status_and_both_outputs() {
        let done = wait(
            sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(60),
            Duration::from_millis(5),
        )
        .unwrap();
        assert!(!done.timed_out);
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert_eq!((done.stdout.as_str(), done.stderr.as_str()), ("out\n", "err\n"));
    }

    #[test]
    fn a_child_past_its_limit_is_stopped_even_when_its_own_child_holds_the_pipes() {
        // `sleep` inherits the pipes and outlives the killed shell.
        let started = Instant::now();
        let done = wait(
            sh("echo before; sleep 30; echo never"),
            Duration::from_millis(200),
            Duration::from_millis(5),
        )
        .unwrap();
        assert!(done.timed_out);
        assert_eq!(done.status, None);
        assert!(!done.stdout.contains("never"), "{}", done.stdout);
        // Not 30 s: the pipes are given up after DRAIN_AFTER_KILL.
        assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    }

    #[test]
    fn output_that_is_not_utf8_is_kept_lossily() {
        let done = wait(sh("printf 'a\\377b'"), Duration::from_secs(60), Duration::from_millis(5))
            .unwrap();
        assert_eq!(done.stdout, "a\u{fffd}b");
    }
}
