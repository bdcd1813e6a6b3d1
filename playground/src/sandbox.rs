//! Running a child process within limits: a wall-clock timeout, an output
//! cap, and a cap on the processes it may create; and killing everything it
//! started when it is done, however it ends (even when the request that
//! started it is dropped half-way).
//!
//! Every child is `book-playground-jail` (see `jail.rs`), which makes its
//! own session and process group, and the whole group is killed when the
//! run ends; with namespaces, that kills the Run's PID namespace and so
//! everything in it. When the playground runs as root (as in CI), a Run
//! additionally runs under a user id of its own, unused by anything else:
//! then `RLIMIT_NPROC` bounds its processes (root is exempt from that
//! limit) and `kill(-1)` from that user id kills every process it left,
//! even one that left the process group with `setsid` (which, without
//! namespaces, nothing else would catch).

use std::process::{ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use tokio::process::Command;
use tokio::time::Instant;

/// Why a run was stopped before it finished by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    TimedOut,
    OutputLimit,
}

#[derive(Debug)]
pub struct Finished {
    /// `None` when it had to be killed and could not even be reaped.
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub stopped: Option<Stopped>,
}

/// A user id for one Run, when we are root.
#[derive(Debug)]
pub struct Identity {
    pub uid: u32,
    slot: usize,
}

const SLOTS: usize = 64;
static SLOTS_IN_USE: Mutex<[bool; SLOTS]> = Mutex::new([false; SLOTS]);

impl Identity {
    /// A fresh user id for a Run, or `None` when not running as root (then
    /// the process group and a per-user `RLIMIT_NPROC` have to do).
    pub fn allocate() -> Option<Identity> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return None;
        }
        let mut slots = SLOTS_IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots.iter().position(|used| !used)?;
        slots[slot] = true;
        // A range no distribution hands out, distinct per server process.
        let base = 1_500_000_000u32 + (std::process::id() % 1_000_000) * SLOTS as u32;
        Some(Identity { uid: base + slot as u32, slot })
    }
}

impl Drop for Identity {
    /// Kills everything running under the user id, and hands the id out
    /// again only once the kernel no longer counts any task of it: a
    /// killed process still counts against `RLIMIT_NPROC` until it has
    /// exited and been reaped, and a Run that got the id of a fork flood
    /// still being torn down could not start a thread ("OS can't spawn
    /// worker thread"). Blocks until then (milliseconds; at most
    /// [`RELEASE_TIMEOUT`], after which the id is never handed out again).
    fn drop(&mut self) {
        let deadline = std::time::Instant::now() + RELEASE_TIMEOUT;
        loop {
            kill_user(self.uid);
            if tasks_of_user(self.uid) == 0 {
                let mut slots = SLOTS_IN_USE.lock().unwrap_or_else(|e| e.into_inner());
                slots[self.slot] = false;
                return;
            }
            if std::time::Instant::now() >= deadline {
                eprintln!(
                    "warning: processes of uid {} outlived their Run; that uid is not used again",
                    self.uid
                );
                return;
            }
            // Dying processes are reaped by their parent or by init: look
            // again in a moment.
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// How long a Run's user id may take to have no task left.
const RELEASE_TIMEOUT: Duration = Duration::from_secs(10);

/// Kills every process running under `uid`, from a forked child that takes
/// that uid (a process may signal its own user's processes).
///
/// One `kill(-1)` is enough: the kernel walks the process list under the
/// tasklist lock, and a process forking meanwhile either has its child on
/// the list already or sees its own SIGKILL pending and abandons the fork.
/// (Its return value says nothing useful: it counts processes it had no
/// permission to signal too.)
fn kill_user(uid: u32) {
    // SAFETY: between fork and _exit the child only makes raw system calls
    // (setgid, setuid, kill, _exit), which are async-signal-safe.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            if libc::setgid(uid) != 0 || libc::setuid(uid) != 0 {
                libc::_exit(1);
            }
            // kill(-1) spares the caller itself.
            libc::kill(-1, libc::SIGKILL);
            libc::_exit(0);
        } else if pid > 0 {
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
        }
    }
}

fn kill_group(pgid: u32) {
    // SAFETY: killpg has no memory-safety preconditions.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

/// Kills the process group when dropped, so that a dropped request cannot
/// leave a program running.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            kill_group(pgid);
        }
    }
}

/// Counts the tasks (processes and threads) of a real user id, as the
/// kernel does for `RLIMIT_NPROC`.
pub(crate) fn tasks_of_user(uid: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    let mut total = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else { continue };
        let mut real_uid = None;
        let mut threads = 1;
        for line in status.lines() {
            if let Some(rest) = line.strip_prefix("Uid:") {
                real_uid = rest.split_whitespace().next().and_then(|u| u.parse::<u32>().ok());
            } else if let Some(rest) = line.strip_prefix("Threads:") {
                threads = rest.trim().parse().unwrap_or(1);
            }
        }
        if real_uid == Some(uid) {
            total += threads;
        }
    }
    total
}

/// Runs `command`, which must make a session (and so a process group) of
/// its own as it starts (`book-playground-jail` does, see `jail.rs`),
/// collecting at most `output_limit` bytes of stdout and stderr together,
/// for at most `timeout`. Whatever happens, that process group is killed
/// afterwards.
pub async fn run(
    mut command: Command,
    timeout: Duration,
    output_limit: usize,
) -> std::io::Result<Finished> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let mut child = command.spawn()?;
    let guard = GroupGuard(child.id());
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");

    let deadline = Instant::now() + timeout;
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut out_buf = vec![0u8; 16 * 1024];
    let mut err_buf = vec![0u8; 16 * 1024];
    let (mut out_open, mut err_open) = (true, true);
    let mut status = None;
    let mut stopped = None;
    // Once the program exits, whatever it left running may still hold its
    // pipes open: read what is there for a moment, then stop.
    let mut after_exit: Option<Instant> = None;

    loop {
        if status.is_some() && !out_open && !err_open {
            break;
        }
        let wake = after_exit.map_or(deadline, |t| t.min(deadline));
        tokio::select! {
            read = out.read(&mut out_buf), if out_open => match read {
                Ok(0) | Err(_) => out_open = false,
                Ok(n) => stdout.extend_from_slice(&out_buf[..n]),
            },
            read = err.read(&mut err_buf), if err_open => match read {
                Ok(0) | Err(_) => err_open = false,
                Ok(n) => stderr.extend_from_slice(&err_buf[..n]),
            },
            exit = child.wait(), if status.is_none() => {
                status = Some(exit?);
                after_exit = Some(Instant::now() + Duration::from_millis(250));
            },
            _ = tokio::time::sleep_until(wake) => {
                if status.is_none() {
                    stopped = Some(Stopped::TimedOut);
                }
                break;
            }
        }
        if stdout.len() + stderr.len() > output_limit {
            stopped = Some(Stopped::OutputLimit);
            // Keep the first bytes, as they came, up to the limit.
            let keep_out = stdout.len().min(output_limit);
            stdout.truncate(keep_out);
            stderr.truncate(output_limit - keep_out);
            break;
        }
    }
    drop(guard); // kills the group: the program and all it started
    if status.is_none() {
        status = tokio::time::timeout(Duration::from_secs(5), child.wait())
            .await
            .ok()
            .and_then(Result::ok);
    }
    Ok(Finished { status, stdout, stderr, stopped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_tasks_of_a_user() {
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        // This test binary alone has a main thread and a test thread.
        assert!(tasks_of_user(uid) >= 2, "uid {uid} runs this test");
        assert_eq!(tasks_of_user(u32::MAX - 7), 0, "nothing runs under an unused uid");
    }

    #[test]
    fn identities_are_distinct_and_released() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            assert!(Identity::allocate().is_none(), "without root no uid is handed out");
            return;
        }
        let a = Identity::allocate().expect("a uid");
        let b = Identity::allocate().expect("another uid");
        assert_ne!(a.uid, b.uid);
        let freed = a.uid;
        drop(a);
        let c = Identity::allocate().expect("a uid again");
        assert_eq!(c.uid, freed, "a released uid is reused");
    }
}
