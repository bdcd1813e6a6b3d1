//! Running a test executable again as a dedicated user who is not root.
//!
//! CI runs as root, and a root server gets protections a reader's laptop
//! cannot give (a user id of its own for every Run). The playground must
//! hold without them too, so the security tests run a second time as a
//! dedicated user id that no account uses, set up as a reader's machine
//! is: that user owns the workspace and the toolchain. It is made so in a
//! mount namespace of the rerun alone, with idmapped bind mounts (Linux
//! 5.12+): the folders the rerun needs appear owned by the dedicated user,
//! and what it writes there lands on disk as root's, so nothing outside
//! the rerun changes owner. A folder whose owner only may enter (`/root`,
//! where rustup installs as root) is mapped whole, since its children
//! cannot be reached through it otherwise.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Set in the rerun's environment (to the dedicated user's id), so the
/// test that starts the rerun knows, inside it, that it is the rerun.
pub const RERUN: &str = "BOOK_PLAYGROUND_UNPRIVILEGED_RERUN";

// From <linux/mount.h>; the libc crate has the system calls' numbers but
// not these flags.
const OPEN_TREE_CLONE: libc::c_uint = 1;
const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 0x4;
const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;

/// `struct mount_attr` of `mount_setattr(2)`.
#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

pub struct Rerun {
    /// The dedicated user's id (also its group's).
    pub uid: u32,
    /// The folders that appear owned by it in the rerun.
    pub mapped: Vec<PathBuf>,
    pub output: Output,
}

/// A user id no account has, distinct from the Run ids a root playground
/// hands out (1,500,000,000 and up, see `sandbox.rs`) and per process.
pub fn dedicated_uid() -> u32 {
    1_400_000_000 + std::process::id() % 1_000_000
}

/// Runs this test executable with `args` as the dedicated user, with the
/// folders the playground reads or writes (`needed`) mapped to it, and
/// waits at most `limit`. Panics, saying which step, if the rerun cannot
/// be set up.
pub fn rerun_this_executable(args: &[&str], needed: &[PathBuf], limit: Duration) -> Rerun {
    let uid = dedicated_uid();
    let mapped = folders_to_map(needed);
    let userns = user_namespace_mapping_root_to(uid);
    let paths: Vec<CString> = mapped
        .iter()
        .map(|p| CString::new(p.as_os_str().as_bytes()).expect("a path without NUL"))
        .collect();
    let attr = MountAttr {
        attr_set: MOUNT_ATTR_IDMAP,
        attr_clr: 0,
        propagation: 0,
        userns_fd: userns.as_raw_fd() as u64,
    };
    let exe = std::env::current_exe().expect("the test executable's path");
    let mut command = Command::new(&exe);
    command
        .args(args)
        .env(RERUN, uid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec the closure makes only system calls,
    // on values prepared above (no allocation, no locks).
    unsafe {
        command.pre_exec(move || enter_namespace_as(uid, &paths, &attr));
    }
    let child = command.spawn().unwrap_or_else(|e| {
        panic!(
            "could not start {} as uid {uid} with {mapped:?} mapped to it: {e} \
             (failing step: a new mount namespace, making it private, an idmapped \
             bind mount, or dropping to the uid; idmapped mounts need Linux 5.12+ \
             and a file system that supports them)",
            exe.display()
        )
    });
    let output = wait_with_limit(child, limit);
    Rerun { uid, mapped, output }
}

/// For each needed path, the folder to map: the highest ancestor that
/// others may not enter, else the path itself; none inside another.
pub fn folders_to_map(needed: &[PathBuf]) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = needed
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .map(|p| {
            let closed = p.ancestors().collect::<Vec<_>>().into_iter().rev().skip(1).find(|a| {
                let mode = std::fs::metadata(a).map(|m| m.permissions().mode()).unwrap_or(0);
                mode & 0o001 == 0
            });
            closed.map(Path::to_path_buf).unwrap_or(p)
        })
        .collect();
    folders.sort();
    folders.dedup();
    let all = folders.clone();
    folders.retain(|f| !all.iter().any(|other| other != f && f.starts_with(other)));
    folders
}

/// A user namespace in which root is `uid` outside: what an idmapped mount
/// uses to show root's files as `uid`'s. A child process makes it and
/// waits; its namespace outlives it through the returned descriptor.
fn user_namespace_mapping_root_to(uid: u32) -> OwnedFd {
    let mut holder = Command::new("sleep");
    holder.arg("60").stdin(Stdio::null());
    // SAFETY: one system call between fork and exec.
    unsafe {
        holder.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWUSER) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // `spawn` returns once exec succeeded, so the namespace exists.
    let mut holder = holder.spawn().expect("starting a process in a new user namespace");
    let proc = PathBuf::from(format!("/proc/{}", holder.id()));
    let write = |file: &str, text: String| {
        std::fs::write(proc.join(file), &text)
            .unwrap_or_else(|e| panic!("writing {text:?} to {}: {e}", proc.join(file).display()))
    };
    write("uid_map", format!("0 {uid} 1\n"));
    write("setgroups", "deny".into());
    write("gid_map", format!("0 {uid} 1\n"));
    let ns = std::fs::File::open(proc.join("ns/user")).expect("opening the user namespace");
    let _ = holder.kill();
    let _ = holder.wait();
    OwnedFd::from(ns)
}

/// In the child, before exec: a private mount namespace with `paths`
/// bind-mounted on themselves through `attr`'s idmapping, then `uid` as
/// every user and group id, with no supplementary groups (and so, not
/// root any more, no capabilities).
fn enter_namespace_as(uid: u32, paths: &[CString], attr: &MountAttr) -> io::Result<()> {
    let check = |result: libc::c_long| {
        if result < 0 { Err(io::Error::last_os_error()) } else { Ok(result) }
    };
    // SAFETY: system calls on valid, NUL-terminated paths and a
    // `mount_attr` of the size passed.
    unsafe {
        check(libc::unshare(libc::CLONE_NEWNS).into())?;
        check(
            libc::mount(
                c"none".as_ptr(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            )
            .into(),
        )?;
        for path in paths {
            let fd = check(libc::syscall(
                libc::SYS_open_tree,
                libc::AT_FDCWD,
                path.as_ptr(),
                OPEN_TREE_CLONE | libc::O_CLOEXEC as libc::c_uint,
            ))? as libc::c_int;
            check(libc::syscall(
                libc::SYS_mount_setattr,
                fd,
                c"".as_ptr(),
                libc::AT_EMPTY_PATH,
                attr as *const MountAttr,
                std::mem::size_of::<MountAttr>(),
            ))?;
            check(libc::syscall(
                libc::SYS_move_mount,
                fd,
                c"".as_ptr(),
                libc::AT_FDCWD,
                path.as_ptr(),
                MOVE_MOUNT_F_EMPTY_PATH,
            ))?;
            libc::close(fd);
        }
        check(libc::setgroups(0, std::ptr::null()).into())?;
        check(libc::setresgid(uid, uid, uid).into())?;
        check(libc::setresuid(uid, uid, uid).into())?;
    }
    Ok(())
}

/// The child's output, or a panic with what it printed so far if it runs
/// past `limit` (it is killed then).
fn wait_with_limit(child: std::process::Child, limit: Duration) -> Output {
    let pid = child.id() as libc::pid_t;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    match receiver.recv_timeout(limit) {
        Ok(output) => output.expect("waiting for the rerun"),
        Err(_) => {
            // SAFETY: kill has no memory preconditions; the child is not
            // reaped yet (its waiter thread has not returned), so the pid
            // is still its.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let output = receiver.recv().expect("the waiter thread").expect("waiting");
            panic!(
                "the unprivileged rerun ran past {limit:?} and was killed; it printed:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
