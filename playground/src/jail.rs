//! The server's side of `book-playground-jail` (`src/bin/`): the launcher
//! that every Run's compile and program go through. At start-up
//! [`Jail::probe`] finds out which protections this machine allows, and
//! [`Jail::report`] says so, one line each; [`Jail::command`] wraps a
//! command in the launcher with what was found.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::sandbox::Identity;

/// What a jailed command may see of the file system.
pub enum View<'a> {
    /// rustc: the toolchain's `sysroot`, the prebuilt crates' folders
    /// (`readable`) and the Run's folder `run_dir` (read-write), besides the
    /// system's `/usr` and the `/etc` files the linker needs.
    Compiler { sysroot: &'a Path, readable: &'a [PathBuf], run_dir: &'a Path },
    /// A Run's program: the system (`/usr`, `/etc`, ...) read-only and its
    /// `binary`, in a folder of the same name as the Run's, in the box.
    Program { binary: &'a Path, run_dir: &'a Path },
}

/// The rlimits of a jailed command.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `RLIMIT_AS`: the memory cap (address space, in bytes).
    pub address_space: u64,
    /// `RLIMIT_NPROC`: processes and threads at once.
    pub processes: u64,
    /// `RLIMIT_FSIZE`: the largest file it may write.
    pub file_size: u64,
    /// `RLIMIT_NOFILE`.
    pub open_files: u64,
}

/// A Run's program: 3 GiB of address space (a tokio program with its
/// threads' stacks and malloc arenas reserves several hundred MiB), so a
/// 4 GiB allocation fails.
pub const PROGRAM: Limits =
    Limits { address_space: 3 << 30, processes: 512, file_size: 64 << 20, open_files: 4096 };

/// rustc and the linker.
pub const COMPILER: Limits =
    Limits { address_space: 3 << 30, processes: 512, file_size: 1 << 30, open_files: 4096 };

/// The size of the box's tmpfs (everything a jailed command can write but
/// the Run's folder of the compiler), and its inodes.
pub const BOX_SIZE: u64 = 64 << 20;
pub const BOX_INODES: u64 = 4096;

/// The launcher and what it can do on this machine.
#[derive(Debug, Clone)]
pub struct Jail {
    path: PathBuf,
    /// `Err(why)` when the namespaces (and so the box) are not available.
    namespaces: Result<(), String>,
}

impl Jail {
    /// Runs the launcher on `true` with every protection, and, if that
    /// fails, without the namespaces. An error when even that fails.
    pub fn probe(path: &Path) -> anyhow::Result<Jail> {
        let jail = Jail { path: path.to_path_buf(), namespaces: Ok(()) };
        match jail.try_true() {
            Ok(()) => Ok(jail),
            Err(why) => {
                let without = Jail { namespaces: Err(why), ..jail };
                without.try_true().map_err(|e| {
                    anyhow::anyhow!(
                        "{} cannot run a command even without namespaces: {e}",
                        path.display()
                    )
                })?;
                Ok(without)
            }
        }
    }

    /// A launcher assumed to have every protection, for unit tests that
    /// never start it.
    #[doc(hidden)]
    pub fn unprobed(path: &Path) -> Jail {
        Jail { path: path.to_path_buf(), namespaces: Ok(()) }
    }

    fn try_true(&self) -> Result<(), String> {
        let identity = Identity::allocate();
        // The launcher stands in for a Run's binary (any file outside the
        // system folders would do), and `true` runs.
        let run_dir = self.path.parent().unwrap_or(Path::new("/"));
        let mut command = self.command(
            identity.as_ref(),
            &View::Program { binary: &self.path, run_dir },
            &PROGRAM,
            Path::new("/usr/bin/true"),
            &[],
        );
        let output = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running {}: {e}", self.path.display()))?;
        if output.status.success() {
            Ok(())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(format!("{} ({})", stderr.trim(), output.status))
        }
    }

    /// Whether Runs get their own namespaces and box.
    pub fn namespaces(&self) -> bool {
        self.namespaces.is_ok()
    }

    /// What protects a Run on this machine, one line each, for the
    /// server's start-up.
    pub fn report(&self) -> Vec<String> {
        let mib = |b: u64| b >> 20;
        let mut lines = Vec::new();
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        match &self.namespaces {
            Ok(()) => {
                lines.push(if root {
                    "own PID, mount, network, IPC and UTS namespaces (no user namespace: root needs none, and the Run has a uid of its own): active; everything a Run starts is killed at its end, setsid or not".into()
                } else {
                    "own user, PID, mount, network, IPC and UTS namespaces: active; everything a Run starts is killed at its end, setsid or not".into()
                });
                lines.push("network: only the Run's own loopback: active".into());
                lines.push(format!(
                    "file system: a {} MiB box with /usr, /etc and the Run's folder (rustc: only the toolchain, the crates and the Run's folder), a private /tmp: active",
                    mib(BOX_SIZE)
                ));
                lines.push(format!(
                    "processes: at most {} per Run, counted in its own {}: active",
                    PROGRAM.processes,
                    if root { "user id" } else { "user namespace" }
                ));
            }
            Err(why) => {
                lines.push(format!("namespaces: NOT AVAILABLE ({why}); so no network isolation, no private /tmp or file-system view, and only the process group (and, as root, the Run's user id) is killed at the end"));
                lines.push(format!(
                    "processes: at most {} more than the server's user already runs: active",
                    PROGRAM.processes
                ));
            }
        }
        lines.push(if root && self.namespaces.is_err() {
            "own user id per Run (the server runs as root): active for the program; rustc runs as root (without the box the Run's uid cannot reach the toolchain)".into()
        } else if root {
            "own user id per Run (the server runs as root): active".into()
        } else {
            "own user id per Run: not available (the server is not root); the namespaces confine it instead".into()
        });
        lines.push(format!(
            "memory: {} MiB of address space for a program, {} MiB for rustc (RLIMIT_AS): active; cgroup v2 memory cap: not used",
            mib(PROGRAM.address_space),
            mib(COMPILER.address_space)
        ));
        lines.push(
            "own session, no new privileges, no core dumps, file size and open-file limits: active"
                .into(),
        );
        lines
    }

    /// `program args` in the launcher, under `identity` (as root), seeing
    /// `view`, within `limits`. The caller sets the working folder,
    /// environment and stdio as it would for the bare command.
    pub fn command(
        &self,
        identity: Option<&Identity>,
        view: &View<'_>,
        limits: &Limits,
        program: &Path,
        args: &[std::ffi::OsString],
    ) -> std::process::Command {
        let mut command = std::process::Command::new(&self.path);
        match (identity, view) {
            // Without the box, the Run's uid cannot reach a toolchain
            // under a 0700 /root: rustc stays the server's (root).
            (Some(_), View::Compiler { .. }) if self.namespaces.is_err() => {
                command.arg("--keep-root");
            }
            (Some(identity), _) => {
                command.arg("--uid").arg(identity.uid.to_string());
            }
            (None, _) => {}
        }
        let processes = if self.namespaces.is_ok() {
            command.arg("--namespaces");
            command.arg("--box-size").arg(BOX_SIZE.to_string());
            command.arg("--box-inodes").arg(BOX_INODES.to_string());
            match view {
                View::Compiler { sysroot, readable, run_dir } => {
                    command.args(["--etc", "linker"]).arg("--ro").arg(sysroot);
                    for dir in *readable {
                        command.arg("--ro").arg(dir);
                    }
                    command.arg("--rw").arg(run_dir).arg("--cwd").arg(run_dir);
                }
                View::Program { binary, run_dir } => {
                    command.args(["--etc", "all"]).arg("--ro").arg(binary);
                    command.arg("--cwd").arg(run_dir);
                }
            }
            match identity {
                // Counted under the Run's own uid: the launcher's two
                // processes stay root's.
                Some(_) => limits.processes,
                // Counted in the Run's own user namespace, the launcher's
                // two processes included.
                None => limits.processes + 2,
            }
        } else {
            let run_dir = match view {
                View::Compiler { run_dir, .. } | View::Program { run_dir, .. } => run_dir,
            };
            command.arg("--cwd").arg(run_dir);
            match identity {
                Some(_) => limits.processes,
                // The server's own user: counted with everything it runs.
                // SAFETY: getuid has no preconditions.
                None => crate::sandbox::tasks_of_user(unsafe { libc::getuid() }) + limits.processes,
            }
        };
        command
            .arg("--as")
            .arg(limits.address_space.to_string())
            .arg("--nproc")
            .arg(processes.to_string())
            .arg("--fsize")
            .arg(limits.file_size.to_string())
            .arg("--nofile")
            .arg(limits.open_files.to_string())
            .arg("--")
            .arg(program)
            .args(args);
        command
    }
}

/// A line to add to a reply's stderr when a command ran out of memory: a
/// program that died of an allocation failure (Rust aborts with "memory
/// allocation of N bytes failed"), or rustc saying "out of memory" (as it
/// does for `include_bytes!("/dev/zero")`).
pub fn out_of_memory_note(
    status: Option<std::process::ExitStatus>,
    stderr: &str,
    who: &str,
    limits: &Limits,
) -> Option<String> {
    use std::os::unix::process::ExitStatusExt as _;
    let aborted = status.and_then(|s| s.signal()) == Some(libc::SIGABRT);
    let rustc_said = who == "the compiler" && stderr.contains(": out of memory\n");
    ((aborted && stderr.contains("memory allocation of")) || rustc_said).then(|| {
        format!(
            "\nerror: {who} ran out of memory: the local playground gives it {} MiB of address space\n",
            limits.address_space >> 20
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(command: &std::process::Command) -> Vec<String> {
        command.get_args().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    /// The word after `option` each time it appears.
    fn values(args: &[String], option: &str) -> Vec<String> {
        args.windows(2).filter(|w| w[0] == option).map(|w| w[1].clone()).collect()
    }

    #[test]
    fn the_compiler_is_given_only_the_toolchain_the_crates_and_the_runs_folder() {
        let jail = Jail::unprobed(Path::new("/opt/jail"));
        let readable = [PathBuf::from("/w/target/debug/deps")];
        let view = View::Compiler {
            sysroot: Path::new("/t/sysroot"),
            readable: &readable,
            run_dir: Path::new("/tmp/p/run-1"),
        };
        let command = jail.command(
            None,
            &view,
            &COMPILER,
            Path::new("/t/sysroot/bin/rustc"),
            &["--edition".into(), "2024".into()],
        );
        let args = args(&command);
        assert!(args.contains(&"--namespaces".to_string()), "{args:?}");
        assert_eq!(values(&args, "--etc"), ["linker"], "{args:?}");
        assert_eq!(values(&args, "--ro"), ["/t/sysroot", "/w/target/debug/deps"], "{args:?}");
        assert_eq!(values(&args, "--rw"), ["/tmp/p/run-1"], "{args:?}");
        assert_eq!(values(&args, "--as"), [(3u64 << 30).to_string()], "{args:?}");
        let tail = &args[args.iter().position(|a| a == "--").unwrap()..];
        assert_eq!(tail, ["--", "/t/sysroot/bin/rustc", "--edition", "2024"], "{args:?}");
    }

    #[test]
    fn a_program_gets_its_binary_and_writes_only_to_the_box() {
        let jail = Jail::unprobed(Path::new("/opt/jail"));
        let view = View::Program {
            binary: Path::new("/tmp/p/run-1/playground"),
            run_dir: Path::new("/tmp/p/run-1"),
        };
        let args =
            args(&jail.command(None, &view, &PROGRAM, Path::new("/tmp/p/run-1/playground"), &[]));
        assert_eq!(values(&args, "--etc"), ["all"], "{args:?}");
        assert_eq!(values(&args, "--ro"), ["/tmp/p/run-1/playground"], "{args:?}");
        assert!(values(&args, "--rw").is_empty(), "{args:?}");
        assert_eq!(values(&args, "--cwd"), ["/tmp/p/run-1"], "{args:?}");
    }

    #[test]
    fn without_namespaces_the_report_says_so_and_why() {
        let jail = Jail {
            path: PathBuf::from("/opt/jail"),
            namespaces: Err("unshare: Operation not permitted".into()),
        };
        let report = jail.report().join("\n");
        assert!(
            report.contains("namespaces: NOT AVAILABLE (unshare: Operation not permitted)"),
            "{report}"
        );
        assert!(report.contains("no network isolation"), "{report}");
        let view = View::Program { binary: Path::new("/r/playground"), run_dir: Path::new("/r") };
        let args = args(&jail.command(None, &view, &PROGRAM, Path::new("/r/playground"), &[]));
        assert!(!args.contains(&"--namespaces".to_string()), "{args:?}");
        assert!(values(&args, "--ro").is_empty(), "{args:?}");
    }
}
