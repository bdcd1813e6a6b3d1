//! `book-playground-jail`: the launcher the playground puts in front of
//! rustc and of every Run's program (see `src/jail.rs` for the server's
//! side and the README's "Limits" for what it gives).
//!
//! ```text
//! book-playground-jail [OPTIONS] -- COMMAND [ARGS...]
//! ```
//!
//! It is single-threaded, so unlike a `pre_exec` closure in the threaded
//! server it may allocate between its forks. In order:
//!
//! 1. It makes a session (so a process group) of its own: the server kills
//!    that group when the Run ends.
//! 2. With `--namespaces`, it makes new mount, network, PID, IPC and UTS
//!    namespaces, and a user namespace unless it is root (that one maps
//!    only its own uid and gid, so the command is not uid 0 inside), and
//!    forks the namespace's PID 1: when that one exits, the kernel kills
//!    every process left in the namespace, those that called `setsid` or
//!    changed group included.
//! 3. PID 1 builds the "box", a size-limited tmpfs that becomes the root:
//!    read-only binds of the system's `/usr` (and `/bin`, `/lib*`, `/sbin`
//!    as they are: symlinks or binds), `/etc` whole (`--etc all`) or only
//!    what the linker needs (`--etc linker`), each `--ro` path, each `--rw`
//!    path read-write, a minimal `/dev`, a fresh `/proc` and `/tmp` (in the
//!    box, so in its size limit); it brings up `lo` in the new network
//!    namespace, then forks the command.
//! 4. The command (as root: under `--uid`, the Run's own user id) runs in a
//!    session of its own, with `no_new_privs`, the rlimits asked for, and
//!    no capability (it is not uid 0 where it runs).
//! 5. Its exit status is relayed: the same exit code, or the same signal
//!    re-raised, so the server reports it as if it had run it itself.
//!
//! Without `--namespaces` (a machine without them) it only does 1, 4 (in
//! its own process, so in the session of step 1) and nothing else. Any step
//! that fails stops it with a message on stderr and exit status 125: never
//! a command run with less than asked.

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit status when the jail itself failed (as `env`, `chroot` do).
const FAILED: u8 = 125;

#[derive(Debug, Default)]
struct Args {
    uid: Option<u32>,
    keep_root: bool,
    namespaces: bool,
    etc_all: bool,
    box_size: u64,
    box_inodes: u64,
    ro: Vec<PathBuf>,
    rw: Vec<PathBuf>,
    cwd: Option<PathBuf>,
    limits: Vec<(libc::__rlimit_resource_t, u64)>,
    command: Vec<OsString>,
}

fn usage() -> String {
    "usage: book-playground-jail [--uid UID | --keep-root] [--namespaces] [--etc all|linker] \
     [--box-size BYTES] [--box-inodes N] [--ro PATH]... [--rw PATH]... [--cwd PATH] \
     [--as BYTES] [--nproc N] [--fsize BYTES] [--nofile N] -- COMMAND [ARGS...]"
        .to_string()
}

fn parse(mut args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut parsed = Args { box_size: 64 << 20, box_inodes: 4096, ..Args::default() };
    while let Some(arg) = args.next() {
        let arg = arg.to_str().ok_or_else(|| format!("{arg:?}: not an option\n{}", usage()))?;
        if arg == "--" {
            parsed.command = args.collect();
            if parsed.command.is_empty() {
                return Err(format!("no command after --\n{}", usage()));
            }
            return Ok(parsed);
        }
        if arg == "--namespaces" {
            parsed.namespaces = true;
            continue;
        }
        if arg == "--keep-root" {
            parsed.keep_root = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{arg} needs a value\n{}", usage()))?;
        let number = || -> Result<u64, String> {
            value
                .to_str()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{arg} {value:?}: not a number"))
        };
        match arg {
            "--uid" => parsed.uid = Some(u32::try_from(number()?).map_err(|e| e.to_string())?),
            "--etc" => {
                parsed.etc_all = match value.to_str() {
                    Some("all") => true,
                    Some("linker") => false,
                    _ => return Err(format!("--etc {value:?}: all or linker")),
                }
            }
            "--box-size" => parsed.box_size = number()?,
            "--box-inodes" => parsed.box_inodes = number()?,
            "--ro" => parsed.ro.push(absolute(arg, value)?),
            "--rw" => parsed.rw.push(absolute(arg, value)?),
            "--cwd" => parsed.cwd = Some(absolute(arg, value)?),
            "--as" => parsed.limits.push((libc::RLIMIT_AS, number()?)),
            "--nproc" => parsed.limits.push((libc::RLIMIT_NPROC, number()?)),
            "--fsize" => parsed.limits.push((libc::RLIMIT_FSIZE, number()?)),
            "--nofile" => parsed.limits.push((libc::RLIMIT_NOFILE, number()?)),
            other => return Err(format!("unknown option {other}\n{}", usage())),
        }
    }
    Err(format!("no -- COMMAND\n{}", usage()))
}

fn absolute(option: &str, value: OsString) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    if !path.is_absolute() || path.components().any(|c| c == std::path::Component::ParentDir) {
        return Err(format!(
            "{option} {}: an absolute path without `..` is needed",
            path.display()
        ));
    }
    Ok(path)
}

fn main() -> ExitCode {
    let args = match parse(std::env::args_os().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("book-playground-jail: {e}");
            return ExitCode::from(2);
        }
    };
    match jail(&args) {
        Ok(never) => match never {},
        Err(e) => {
            eprintln!("book-playground-jail: {e}");
            ExitCode::from(FAILED)
        }
    }
}

enum Never {}

/// An error of the last system call, saying what it was doing.
fn os_error(what: impl std::fmt::Display) -> String {
    format!("{what}: {}", std::io::Error::last_os_error())
}

fn check(result: libc::c_int, what: impl std::fmt::Display) -> Result<libc::c_int, String> {
    if result < 0 { Err(os_error(what)) } else { Ok(result) }
}

fn write_file(path: &str, content: &str) -> Result<(), String> {
    std::fs::write(path, content).map_err(|e| format!("writing {content:?} to {path}: {e}"))
}

fn cstring(path: impl AsRef<OsStr>) -> Result<CString, String> {
    CString::new(path.as_ref().as_bytes())
        .map_err(|_| format!("{:?}: contains a NUL byte", path.as_ref()))
}

fn jail(args: &Args) -> Result<Never, String> {
    // The jail's own core dumps are off too: it re-raises the command's
    // fatal signal on itself.
    set_limit(libc::RLIMIT_CORE, 0)?;
    // A session, and so a process group, of its own at once: the server
    // kills that group (this process and the namespace's PID 1) when the
    // Run ends, and without namespaces it holds the command itself.
    // SAFETY: setsid has no preconditions.
    check(
        unsafe { libc::setsid() },
        "setsid (the jail must be started outside a process group of its own)",
    )?;
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let uid = if root && args.keep_root && args.uid.is_none() {
        None
    } else if root {
        let uid =
            args.uid.ok_or("as root, --uid (the Run's own user id) or --keep-root is required")?;
        if uid == 0 {
            return Err("--uid 0: the command must not run as root".into());
        }
        Some(uid)
    } else {
        None
    };
    if !args.namespaces {
        // No namespaces: the command in this process, so in its session.
        exec_command(args, uid, false)?;
        unreachable!("exec_command returns only errors");
    }

    // As root, the namespaces need no user namespace (root may mount), and
    // the command alone becomes the Run's user id. Otherwise a user
    // namespace gives the capabilities to build the box inside.
    let mut flags = libc::CLONE_NEWNS
        | libc::CLONE_NEWNET
        | libc::CLONE_NEWPID
        | libc::CLONE_NEWIPC
        | libc::CLONE_NEWUTS;
    if !root {
        flags |= libc::CLONE_NEWUSER;
    }
    // SAFETY: plain system calls; we are single-threaded.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    check(unsafe { libc::unshare(flags) }, "unshare (user, mount, network, PID, IPC, UTS)")?;
    if !root {
        // Inside, the same ids as outside: the command is not uid 0 there,
        // so it keeps no capability across exec.
        write_file("/proc/self/setgroups", "deny")?;
        write_file("/proc/self/uid_map", &format!("{euid} {euid} 1"))?;
        write_file("/proc/self/gid_map", &format!("{egid} {egid} 1"))?;
    }
    // Opened in the new mount namespace (a bind needs its source there),
    // before the box hides them.
    let sources = Sources::open(args)?;

    let mut status_pipe = [0; 2];
    // SAFETY: pipe2 writes two descriptors into the array.
    check(unsafe { libc::pipe2(status_pipe.as_mut_ptr(), libc::O_CLOEXEC) }, "pipe2")?;
    // SAFETY: single-threaded, so the child may do anything after fork.
    let init = check(unsafe { libc::fork() }, "fork (the namespace's PID 1)")?;
    if init == 0 {
        // SAFETY: closing our copy of the read end.
        unsafe { libc::close(status_pipe[0]) };
        let code = match init_process(args, &sources, status_pipe[1], uid) {
            Ok(never) => match never {},
            Err(e) => {
                eprintln!("book-playground-jail: {e}");
                FAILED
            }
        };
        // SAFETY: _exit ends this process; its parent relays the status.
        unsafe { libc::_exit(code.into()) };
    }
    // SAFETY: closing our copy of the write end.
    unsafe { libc::close(status_pipe[1]) };
    drop(sources);
    let init_status = wait_for(init)?;
    // PID 1 sends the command's wait status just before it exits; nothing
    // means the jail failed inside (it said why on stderr).
    let mut bytes = [0u8; 4];
    // SAFETY: reading into a 4-byte buffer.
    let n = unsafe { libc::read(status_pipe[0], bytes.as_mut_ptr().cast(), 4) };
    let status = if n == 4 { libc::c_int::from_ne_bytes(bytes) } else { init_status };
    relay(status)
}

/// Becomes `uid` (and the group of the same number), with no
/// supplementary group: a root jail's command.
fn become_user(uid: u32) -> Result<(), String> {
    // SAFETY: plain system calls on values.
    unsafe {
        check(libc::setgroups(0, std::ptr::null()), "setgroups")?;
        check(libc::setgid(uid), format!("setgid {uid}"))?;
        check(libc::setuid(uid), format!("setuid {uid}"))?;
    }
    Ok(())
}

/// Descriptors of every path the box binds, opened before anything is
/// mounted over them or the identity changes.
struct Sources {
    /// (where in the box, descriptor, read-write)
    binds: Vec<(PathBuf, std::fs::File, bool)>,
    /// Top-level entries such as `/bin` that are symlinks on this system
    /// (merged /usr): made the same symlinks in the box.
    symlinks: Vec<(PathBuf, PathBuf)>,
    /// The `--cwd` folder and its ancestors, with their modes outside: the
    /// ones the box makes get the same.
    cwd_modes: Vec<(PathBuf, u32)>,
}

impl Sources {
    fn open(args: &Args) -> Result<Sources, String> {
        let mut sources =
            Sources { binds: Vec::new(), symlinks: Vec::new(), cwd_modes: Vec::new() };
        if let Some(cwd) = &args.cwd {
            use std::os::unix::fs::PermissionsExt as _;
            for dir in cwd.ancestors() {
                if let Ok(meta) = std::fs::metadata(dir) {
                    sources.cwd_modes.push((dir.to_path_buf(), meta.permissions().mode() & 0o7777));
                }
            }
        }
        let mut system: Vec<PathBuf> =
            ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
                .iter()
                .map(PathBuf::from)
                .collect();
        if args.etc_all {
            system.push("/etc".into());
        } else {
            // The dynamic loader's cache (Debian's libraries are in
            // /usr/lib/<triple>, not a default path) and `cc`'s alternative.
            system.push("/etc/ld.so.cache".into());
            system.push("/etc/alternatives".into());
        }
        for path in system {
            match std::fs::symlink_metadata(&path) {
                Ok(meta)
                    if meta.file_type().is_symlink() && path.parent() == Some(Path::new("/")) =>
                {
                    let target = std::fs::read_link(&path)
                        .map_err(|e| format!("reading the symlink {}: {e}", path.display()))?;
                    sources.symlinks.push((path, target));
                }
                Ok(_) => sources.add(path, false)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
        for path in ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"] {
            sources.add(path.into(), true)?;
        }
        for path in &args.ro {
            sources.add(path.clone(), false)?;
        }
        for path in &args.rw {
            sources.add(path.clone(), true)?;
        }
        Ok(sources)
    }

    fn add(&mut self, path: PathBuf, writable: bool) -> Result<(), String> {
        use std::os::unix::fs::OpenOptionsExt as _;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH | libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| format!("opening {} for the box: {e}", path.display()))?;
        self.binds.push((path, file, writable));
        Ok(())
    }
}

/// The namespace's PID 1: builds the box, forks the command, waits for it,
/// sends its status on `status_fd`, and exits (the kernel then kills
/// whatever else is left in the namespace).
fn init_process(
    args: &Args,
    sources: &Sources,
    status_fd: libc::c_int,
    uid: Option<u32>,
) -> Result<Never, String> {
    // SAFETY: plain system calls on values.
    unsafe {
        // Dies with the jail (the server kills the jail's process group).
        // (Were it killed before this line, the same kill reached us: we
        // are in its process group, which the server kills.)
        check(
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0),
            "prctl(PR_SET_PDEATHSIG)",
        )?;
    }
    build_box(args, sources, uid)?;
    loopback_up()?;

    // SAFETY: single-threaded.
    let command = check(unsafe { libc::fork() }, "fork (the command)")?;
    if command == 0 {
        // SAFETY: closing our copy of the status pipe.
        unsafe { libc::close(status_fd) };
        exec_command(args, uid, true)?;
        unreachable!("exec_command returns only errors");
    }
    // Reaps every orphan the command leaves to us, until the command exits.
    let status = loop {
        let mut status = 0;
        // SAFETY: waitpid writes the status.
        let pid = unsafe { libc::waitpid(-1, &mut status, 0) };
        if pid == command {
            break status;
        }
        if pid < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return Err(os_error("waiting for the command"));
        }
    };
    let bytes = status.to_ne_bytes();
    // SAFETY: writing 4 bytes from a local buffer.
    unsafe {
        libc::write(status_fd, bytes.as_ptr().cast(), 4);
        libc::_exit(0)
    }
}

/// Makes the box and moves into it (see the module's comment).
fn build_box(args: &Args, sources: &Sources, uid: Option<u32>) -> Result<(), String> {
    mount(None, "/", None, libc::MS_REC | libc::MS_PRIVATE, None)?;
    // The box is mounted over /tmp (any folder would do: this mount
    // namespace is ours); every source is reached through its descriptor.
    let root = Path::new("/tmp");
    mount(
        Some("book-playground"),
        root,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some(&format!("size={},nr_inodes={},mode=0755", args.box_size, args.box_inodes)),
    )?;
    let inside = |path: &Path| root.join(path.strip_prefix("/").unwrap_or(path));
    for (link, target) in &sources.symlinks {
        std::os::unix::fs::symlink(target, inside(link))
            .map_err(|e| format!("making the symlink {} in the box: {e}", link.display()))?;
    }
    for (path, file, writable) in &sources.binds {
        use std::os::fd::AsRawFd as _;
        let target = inside(path);
        let is_dir = file.metadata().map(|m| m.is_dir()).unwrap_or(false);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("making {} in the box: {e}", parent.display()))?;
        }
        let made = if is_dir {
            std::fs::create_dir_all(&target)
        } else {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&target)
                .map(drop)
        };
        made.map_err(|e| format!("making {} in the box: {e}", target.display()))?;
        let source = format!("/proc/self/fd/{}", file.as_raw_fd());
        mount(Some(&source), &target, None, libc::MS_BIND | libc::MS_REC, None)
            .map_err(|e| format!("binding {}: {e}", path.display()))?;
        let dev = path.starts_with("/dev");
        let mut flags = libc::MS_REMOUNT | libc::MS_BIND | libc::MS_NOSUID | kept_flags(&target)?;
        if !*writable {
            flags |= libc::MS_RDONLY;
        }
        if !dev {
            flags |= libc::MS_NODEV;
        }
        mount(None, &target, None, flags, None).map_err(|e| {
            format!(
                "making {} {}: {e}",
                path.display(),
                if *writable { "writable" } else { "read-only" }
            )
        })?;
    }
    for (dir, mode) in [("tmp", 0o1777), ("proc", 0o555), ("dev/pts", 0o755)] {
        let dir = root.join(dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("making {} in the box: {e}", dir.display()))?;
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    for (name, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        std::os::unix::fs::symlink(target, root.join("dev").join(name))
            .map_err(|e| format!("making /dev/{name} in the box: {e}"))?;
    }
    // Only the processes of this PID namespace. (Mounted while the old
    // root, with a fully visible /proc, is still there, as the kernel
    // requires in a user namespace.)
    mount(
        Some("proc"),
        root.join("proc"),
        Some("proc"),
        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
        None,
    )?;
    // The box becomes `/`, and the old root goes.
    let root_c = cstring(root)?;
    let dot = cstring(".")?;
    // SAFETY: system calls on NUL-terminated strings.
    unsafe {
        check(libc::chdir(root_c.as_ptr()), "chdir into the box")?;
        check(
            libc::syscall(libc::SYS_pivot_root, dot.as_ptr(), dot.as_ptr()) as libc::c_int,
            "pivot_root",
        )?;
        check(libc::umount2(dot.as_ptr(), libc::MNT_DETACH), "detaching the old root")?;
        check(libc::chdir(c"/".as_ptr()), "chdir /")?;
    }
    // A Run's folder (the command's `--cwd`) is made in the box when it is
    // not a bind: the program's files go to the size-limited box.
    if let Some(cwd) = &args.cwd {
        std::fs::create_dir_all(cwd)
            .map_err(|e| format!("making {} in the box: {e}", cwd.display()))?;
        // The same modes as outside (a Run's folder 0700 in a 0711 one).
        for (dir, mode) in &sources.cwd_modes {
            use std::os::unix::fs::PermissionsExt as _;
            let Ok(meta) = std::fs::metadata(dir) else { continue };
            if dir != Path::new("/") && meta.permissions().mode() & 0o7777 != *mode {
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(*mode))
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
            }
        }
        if let Some(uid) = uid {
            std::os::unix::fs::chown(cwd, Some(uid), Some(uid))
                .map_err(|e| format!("handing {} over to uid {uid}: {e}", cwd.display()))?;
        }
    }
    // SAFETY: setenv before any thread exists (we have none).
    unsafe { std::env::set_var("TMPDIR", "/tmp") };
    Ok(())
}

/// The flags a bind remount must keep (the kernel refuses to clear them on
/// a mount that came from another user namespace).
fn kept_flags(path: &Path) -> Result<libc::c_ulong, String> {
    let path_c = cstring(path)?;
    // SAFETY: statvfs fills the struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    check(
        unsafe { libc::statvfs(path_c.as_ptr(), &mut st) },
        format!("statvfs {}", path.display()),
    )?;
    let mut flags = 0;
    for (st_flag, ms_flag) in [
        (libc::ST_NOSUID, libc::MS_NOSUID),
        (libc::ST_NODEV, libc::MS_NODEV),
        (libc::ST_NOEXEC, libc::MS_NOEXEC),
        (libc::ST_NOATIME, libc::MS_NOATIME),
        (libc::ST_NODIRATIME, libc::MS_NODIRATIME),
        (libc::ST_RELATIME, libc::MS_RELATIME),
    ] {
        if st.f_flag & st_flag != 0 {
            flags |= ms_flag;
        }
    }
    Ok(flags)
}

fn mount(
    source: Option<&str>,
    target: impl AsRef<Path>,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> Result<(), String> {
    let target = target.as_ref();
    let source_c = source.map(cstring).transpose()?;
    let target_c = cstring(target)?;
    let fstype_c = fstype.map(cstring).transpose()?;
    let data_c = data.map(cstring).transpose()?;
    let ptr = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: NUL-terminated strings or null pointers.
    let result = unsafe {
        libc::mount(ptr(&source_c), target_c.as_ptr(), ptr(&fstype_c), flags, ptr(&data_c).cast())
    };
    check(
        result,
        format_args!("mounting {} on {}", source.unwrap_or("(remount)"), target.display()),
    )?;
    Ok(())
}

/// Brings up `lo` in the new network namespace (its only interface), so a
/// program may serve and connect on its own 127.0.0.1.
fn loopback_up() -> Result<(), String> {
    // SAFETY: a socket for the ioctl, an ifreq-shaped buffer (name, then
    // the flags as a short), closed afterwards.
    unsafe {
        let socket =
            check(libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0), "socket")?;
        let mut ifreq = [0u8; 40];
        ifreq[..2].copy_from_slice(b"lo");
        let result = check(
            libc::ioctl(socket, libc::SIOCGIFFLAGS, ifreq.as_mut_ptr()),
            "reading lo's flags",
        )
        .and_then(|_| {
            let flags = i16::from_ne_bytes([ifreq[16], ifreq[17]]) | libc::IFF_UP as i16;
            ifreq[16..18].copy_from_slice(&flags.to_ne_bytes());
            check(libc::ioctl(socket, libc::SIOCSIFFLAGS, ifreq.as_mut_ptr()), "bringing lo up")
        });
        libc::close(socket);
        result.map(drop)
    }
}

fn set_limit(resource: libc::__rlimit_resource_t, value: u64) -> Result<(), String> {
    // SAFETY: getrlimit/setrlimit on a local struct.
    unsafe {
        let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        check(libc::getrlimit(resource, &mut current), "getrlimit")?;
        // Never above the hard limit we were given (only lowering is
        // allowed without privilege).
        let value = (value as libc::rlim_t).min(current.rlim_max);
        let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
        check(libc::setrlimit(resource, &limit), format!("setrlimit({resource}, {value})"))?;
    }
    Ok(())
}

/// Runs the command in this process: its own session, no new privileges,
/// the limits, then exec. Returns only errors.
fn exec_command(args: &Args, uid: Option<u32>, new_session: bool) -> Result<Never, String> {
    if let Some(uid) = uid {
        become_user(uid)?;
    }
    // SAFETY: plain system calls.
    unsafe {
        if new_session {
            check(libc::setsid(), "setsid")?;
        }
        check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")?;
    }
    if let Some(cwd) = &args.cwd {
        std::env::set_current_dir(cwd).map_err(|e| format!("chdir {}: {e}", cwd.display()))?;
    }
    for &(resource, value) in &args.limits {
        set_limit(resource, value)?;
    }
    let program = cstring(&args.command[0])?;
    let argv: Vec<CString> = args.command.iter().map(cstring).collect::<Result<_, _>>()?;
    let mut argv_ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_ptrs.push(std::ptr::null());
    // SAFETY: a NUL-terminated program and a null-terminated argv.
    unsafe { libc::execvp(program.as_ptr(), argv_ptrs.as_ptr()) };
    Err(os_error(format!("running {}", Path::new(&args.command[0]).display())))
}

/// Waits for a child, retrying on EINTR: its raw wait status.
fn wait_for(pid: libc::pid_t) -> Result<libc::c_int, String> {
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes the status.
        if unsafe { libc::waitpid(pid, &mut status, 0) } == pid {
            return Ok(status);
        }
        if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return Err(os_error("waiting for the namespace's PID 1"));
        }
    }
}

/// Ends this process as the command ended: the same exit code, or the same
/// signal.
fn relay(status: libc::c_int) -> Result<Never, String> {
    if libc::WIFSIGNALED(status) {
        let signal = libc::WTERMSIG(status);
        // SAFETY: restoring the default action and raising the signal.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, signal);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(signal);
        }
        // A signal whose default is not to terminate: say so.
        return Err(format!("the command was killed by signal {signal}"));
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { FAILED.into() };
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &[&str]) -> Result<Args, String> {
        parse(words.iter().map(OsString::from))
    }

    #[test]
    fn options_are_read_and_bad_ones_refused_with_a_reason() {
        let args = parse_words(&[
            "--namespaces",
            "--etc",
            "linker",
            "--ro",
            "/a",
            "--rw",
            "/b",
            "--cwd",
            "/b",
            "--as",
            "1024",
            "--",
            "rustc",
            "--version",
        ])
        .unwrap();
        assert!(args.namespaces && !args.etc_all);
        assert_eq!(args.ro, [PathBuf::from("/a")]);
        assert_eq!(args.rw, [PathBuf::from("/b")]);
        assert_eq!(args.limits, [(libc::RLIMIT_AS, 1024)]);
        assert_eq!(args.command, [OsString::from("rustc"), OsString::from("--version")]);

        for (words, says) in [
            (&["--ro", "relative", "--", "x"][..], "an absolute path without `..`"),
            (&["--ro", "/a/../etc", "--", "x"][..], "an absolute path without `..`"),
            (&["--as", "lots", "--", "x"][..], "not a number"),
            (&["--etc", "some", "--", "x"][..], "all or linker"),
            (&["--namespaces"][..], "no -- COMMAND"),
            (&["--"][..], "no command after --"),
            (&["--bogus", "1", "--", "x"][..], "unknown option --bogus"),
        ] {
            let error = parse_words(words).err().unwrap_or_else(|| panic!("{words:?} accepted"));
            assert!(error.contains(says), "{words:?}: {error}");
        }
    }
}
