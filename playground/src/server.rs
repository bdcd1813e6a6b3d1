//! The playground: compiling and running a Run, and the HTTP routes with
//! their guards.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use futures::StreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

use crate::api::{
    CrateInformation, CratesResponse, ErrorResponse, EvaluateRequest, EvaluateResponse,
    ExecuteRequest, ExecuteResponse, SessionResponse,
};
use crate::deps::{self, Deps};
use crate::http;
use crate::jail::{self, Jail, View};
use crate::prebuilt::{self, Matched, Prebuilt};
use crate::sandbox::{self, Identity, Stopped};
use crate::sign_in::{self, SignIn};

/// What the playground allows. The defaults are the ones `cargo xtask
/// serve` uses; tests shorten them.
#[derive(Debug, Clone)]
pub struct Options {
    /// The workspace whose Cargo.lock pins the offered crates.
    pub workspace_root: PathBuf,
    /// How long a program may run (wall clock).
    pub run_timeout: Duration,
    /// How long rustc may take.
    pub compile_timeout: Duration,
    /// stdout and stderr of a program, together; more and it is stopped.
    pub output_limit: usize,
    /// Runs compiling or running at once; more wait in a queue.
    pub max_concurrent: usize,
    /// Runs waiting for their turn; more are turned away.
    pub max_queued: usize,
    /// The largest request body.
    pub body_limit: usize,
    /// How long a request body may take to arrive, whole. (The head has
    /// the accept loop's header timeout; a client that trickles a body
    /// would otherwise hold its connection, which is never evicted while
    /// a request is being handled.)
    pub body_timeout: Duration,
    /// Processes (and threads) a program may have at once.
    pub max_processes: u64,
    /// Where the workspace's build put the listings' binaries, for instant
    /// Run (`prebuilt.rs`); `None`: where `cargo metadata` says.
    pub target_dir: Option<PathBuf>,
}

impl Options {
    pub fn new(workspace_root: impl Into<PathBuf>) -> Options {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Options {
            workspace_root: workspace_root.into(),
            run_timeout: Duration::from_secs(10),
            compile_timeout: Duration::from_secs(60),
            output_limit: 640 * 1024,
            max_concurrent: cores.clamp(1, 8),
            max_queued: 16,
            body_limit: 512 * 1024,
            body_timeout: Duration::from_secs(10),
            max_processes: 512,
            target_dir: None,
        }
    }
}

/// The local playground. Build it with [`Playground::start`], mount
/// [`Playground::router`] on the server that serves the book.
pub struct Playground {
    options: Options,
    deps: Deps,
    rustc: PathBuf,
    /// The toolchain rustc belongs to: all the compiler may read besides
    /// the crates and the Run's folder.
    sysroot: PathBuf,
    rustc_version: String,
    /// The launcher every compile and program goes through, with the
    /// protections this machine allows.
    jail: Jail,
    /// Who may Run: made by [`Playground::router`], which knows the port.
    sign_in: std::sync::OnceLock<SignIn>,
    /// Removed with the playground.
    work_dir: tempfile::TempDir,
    runs: Semaphore,
    waiting: AtomicUsize,
    /// Unedited listings' binaries, run without compiling.
    prebuilt: Prebuilt,
    compiles: AtomicUsize,
    prebuilt_runs: AtomicUsize,
}

/// How Runs were answered since start: by rustc, or by a listing's
/// prebuilt binary (instant Run). For tests and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunCounts {
    /// rustc started.
    pub compiles: usize,
    /// A prebuilt binary ran instead.
    pub prebuilt: usize,
}

/// What a Run asks for, checked.
#[derive(Debug, Clone)]
pub struct Job {
    pub code: String,
    pub edition: String,
    pub lib: bool,
    pub tests: bool,
    pub release: bool,
    pub backtrace: bool,
}

impl Job {
    fn from_execute(request: ExecuteRequest) -> Result<Job, ApiError> {
        check_channel(&request.channel)?;
        let release = match request.mode.as_str() {
            "debug" => false,
            "release" => true,
            other => {
                return Err(ApiError::bad_request(format!(
                    "'{other}' is not a valid mode (debug or release)"
                )));
            }
        };
        let lib = match request.crate_type.as_str() {
            "bin" => false,
            "lib" | "rlib" => true,
            other => {
                return Err(ApiError::bad_request(format!(
                    "crate type '{other}' is not supported by the local playground (bin or lib)"
                )));
            }
        };
        let edition = if request.edition.is_empty() { "2024".to_string() } else { request.edition };
        check_edition(&edition)?;
        Ok(Job {
            code: request.code,
            edition,
            lib,
            tests: request.tests,
            release,
            backtrace: request.backtrace,
        })
    }

    fn from_evaluate(request: EvaluateRequest) -> Result<Job, ApiError> {
        check_channel(&request.version)?;
        let edition = if request.edition.is_empty() { "2015".to_string() } else { request.edition };
        check_edition(&edition)?;
        Ok(Job {
            code: request.code,
            edition,
            lib: false,
            tests: request.tests,
            release: request.optimize != "0",
            backtrace: false,
        })
    }
}

fn check_channel(channel: &str) -> Result<(), ApiError> {
    match channel {
        "stable" => Ok(()),
        "beta" | "nightly" => Err(ApiError::bad_request(format!(
            "the local playground has only the stable toolchain it was started with, not {channel}"
        ))),
        other => Err(ApiError::bad_request(format!("'{other}' is not a valid channel"))),
    }
}

fn check_edition(edition: &str) -> Result<(), ApiError> {
    match edition {
        "2015" | "2018" | "2021" | "2024" => Ok(()),
        other => Err(ApiError::bad_request(format!("'{other}' is not a valid edition"))),
    }
}

impl Playground {
    /// Builds the offered crates (blocking: this is the one Cargo build)
    /// and readies the playground.
    pub fn start(options: Options) -> Result<Arc<Playground>> {
        let root = options.workspace_root.clone();
        let cargo = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        let deps = deps::build(&root, &cargo)?;
        let (rustc, sysroot, rustc_version) = find_rustc(&root)?;
        let jail = Jail::probe(&deps.jail)?;
        eprintln!("  playground: what confines each Run on this machine:");
        for line in jail.report() {
            eprintln!("    {line}");
        }
        remove_stale_work_dirs(&std::env::temp_dir());
        // A random name (nothing to do with any secret), created anew (never
        // an existing folder or a symlink someone planted). Runs may execute
        // under a user id of their own (see sandbox.rs), which must be able
        // to pass through it to its own folder, hence 0711: it can list
        // nothing here.
        let work_dir = private_dir(
            &std::env::temp_dir(),
            &format!("book-playground-{}-", std::process::id()),
            0o711,
        )
        .context("creating the playground's temporary folder")?;
        if options.max_concurrent == 0 {
            bail!("max_concurrent must be at least 1");
        }
        let scanning = std::time::Instant::now();
        let prebuilt = match Prebuilt::scan(&root, &cargo, options.target_dir.as_deref(), &deps) {
            Ok(prebuilt) => {
                eprintln!(
                    "  playground: {} (looked in {} ms)",
                    prebuilt::summary(&prebuilt),
                    scanning.elapsed().as_millis()
                );
                prebuilt
            }
            Err(e) => {
                eprintln!("  playground: instant Run is off, every Run compiles: {e:#}");
                Prebuilt::default()
            }
        };
        Ok(Arc::new(Playground {
            runs: Semaphore::new(options.max_concurrent),
            options,
            deps,
            rustc,
            sysroot,
            rustc_version,
            jail,
            sign_in: std::sync::OnceLock::new(),
            work_dir,
            waiting: AtomicUsize::new(0),
            prebuilt,
            compiles: AtomicUsize::new(0),
            prebuilt_runs: AtomicUsize::new(0),
        }))
    }

    /// A new link that signs one browser in to Run (see [`sign_in`]): what
    /// `cargo xtask serve` prints. Only after [`Playground::router`].
    pub fn sign_in_link(&self, addr: SocketAddr) -> Result<String> {
        let sign_in = self.sign_in.get().context("the playground's router is not made yet")?;
        sign_in.new_link(&addr.to_string()).context("reading /dev/urandom for a sign-in secret")
    }

    /// Signs in without a browser, as the tests and the benchmark do: the
    /// `Cookie` header value a signed-in browser would send.
    pub fn sign_in_cookie(&self) -> Result<String> {
        let sign_in = self.sign_in.get().context("the playground's router is not made yet")?;
        let secret = sign_in.new_secret()?;
        let set_cookie = sign_in.exchange(&secret)?.context("a secret just made is pending")?;
        let set_cookie = set_cookie.to_str().context("an ASCII cookie")?;
        Ok(set_cookie.split(';').next().unwrap_or_default().to_string())
    }

    /// The launcher that confines every Run, and what it can do here.
    pub fn jail(&self) -> &Jail {
        &self.jail
    }

    /// Runs compiling or running now, and Runs waiting for their turn.
    pub fn load(&self) -> (usize, usize) {
        let running = self.options.max_concurrent - self.runs.available_permits();
        (running, self.waiting.load(Ordering::SeqCst))
    }

    /// How Runs were answered so far.
    pub fn run_counts(&self) -> RunCounts {
        RunCounts {
            compiles: self.compiles.load(Ordering::SeqCst),
            prebuilt: self.prebuilt_runs.load(Ordering::SeqCst),
        }
    }

    /// The listings whose prebuilt binary answers an unedited Run.
    pub fn prebuilt(&self) -> &Prebuilt {
        &self.prebuilt
    }

    /// The offered crates with the versions they resolved to.
    pub fn crates(&self) -> Vec<CrateInformation> {
        self.deps
            .crates
            .iter()
            .map(|c| CrateInformation {
                name: c.package.clone(),
                version: c.version.clone(),
                id: c.crate_name.clone(),
            })
            .collect()
    }

    /// The rustc invocation that compiles `source` into `output` for `job`:
    /// exactly what a Run does, for the benchmark's baseline.
    pub fn rustc_command(&self, job: &Job, source: &Path, output: &Path) -> std::process::Command {
        let mut command = std::process::Command::new(&self.rustc);
        command
            .arg("--edition")
            .arg(&job.edition)
            .arg("--crate-name")
            .arg("playground")
            .args(["--color", "never", "-C", "debuginfo=0"])
            .arg("-C")
            .arg(if job.release { "opt-level=3" } else { "opt-level=0" });
        if job.tests {
            command.arg("--test");
        } else if job.lib {
            command.args(["--crate-type", "lib", "--emit", "metadata"]);
        } else {
            command.args(["--crate-type", "bin"]);
        }
        command.args(self.deps.rustc_args()).arg("-o").arg(output).arg(source);
        command
    }

    /// The routes of play.rust-lang.org's API plus `/meta/session`, guarded
    /// for a server listening on `addr` (see [`guard`]), built from
    /// [`routes`]: a route that runs code gets the session check there, and
    /// nowhere else can a handler get the [`Authorized`] that a Run needs.
    ///
    /// It runs code for whoever can reach it, so it refuses to serve on an
    /// address other machines could reach. Mount it inside
    /// [`crate::http::site`], which checks `Host` on every request.
    pub fn router(self: &Arc<Self>, addr: SocketAddr) -> Result<Router> {
        http::check_loopback(addr)?;
        let sign_in = self.sign_in.get_or_init(|| SignIn::new(addr.port()));
        if sign_in.port() != addr.port() {
            bail!(
                "the playground's router was made for another port already ({}); one playground serves one port",
                sign_in.port()
            );
        }
        let hosts = http::allowed_hosts(addr);
        let guard_state = Arc::new(GuardState { playground: Arc::clone(self), hosts });
        let mut router = Router::new();
        for route in routes() {
            let handler = match route.access {
                Access::Reads | Access::SignsIn => route.handler,
                Access::RunsCode => route.handler.route_layer(middleware::from_fn_with_state(
                    Arc::clone(&guard_state),
                    require_session,
                )),
            };
            router = router.route(route.path, handler);
        }
        Ok(router
            .route_layer(middleware::from_fn_with_state(guard_state, guard))
            .with_state(Arc::clone(self)))
    }

    /// Compiles and runs a job: queued behind at most `max_concurrent`
    /// others, turned away when the queue is full. Only a request that
    /// passed the session check has the [`Authorized`] it takes.
    async fn run(&self, job: Job, _: &Authorized) -> Result<ExecuteResponse, ApiError> {
        let _permit = {
            let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
            let _waiting = Decrement(&self.waiting);
            // `waiting` counts the Runs not yet holding a permit.
            if queued >= self.options.max_queued {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!(
                        "the local playground is busy: {} Runs are running and {} waiting; try again in a moment",
                        self.options.max_concurrent, self.options.max_queued
                    ),
                ));
            }
            self.runs
                .acquire()
                .await
                .map_err(|_| ApiError::internal("the playground is shutting down"))?
        };
        // Removed when the Run ends, however it ends.
        let dir = private_dir(self.work_dir.path(), "run-", 0o700)
            .map_err(|e| ApiError::internal(format!("creating a folder for the Run: {e}")))?;
        self.compile_and_run(&job, dir.path()).await
    }

    async fn compile_and_run(&self, job: &Job, dir: &Path) -> Result<ExecuteResponse, ApiError> {
        // Messages then point at `src/main.rs:2:18`, as with Cargo (and on
        // play.rust-lang.org), not at a temporary folder.
        let source = Path::new("src").join("main.rs");
        std::fs::create_dir(dir.join("src"))
            .and_then(|()| std::fs::write(dir.join(&source), &job.code))
            .map_err(|e| ApiError::internal(format!("writing the code: {e}")))?;
        // As root, the compiler and the program run under a user id of
        // their own (see `Identity`), whose folder the Run's becomes.
        let identity = Identity::allocate();
        if let Some(identity) = &identity {
            chown_tree(dir, identity.uid)
                .map_err(|e| ApiError::internal(format!("handing the Run's folder over: {e}")))?;
        }
        let reply = self.compile_and_run_as(job, dir, &source, identity.as_ref()).await;
        // Kills whatever it left running under its user id, and waits until
        // the kernel counts none of it (see `Identity`'s drop), before the
        // reply: the next Run never meets this one's remains.
        let _ = tokio::task::spawn_blocking(move || drop(identity)).await;
        reply
    }

    async fn compile_and_run_as(
        &self,
        job: &Job,
        dir: &Path,
        source: &Path,
        identity: Option<&Identity>,
    ) -> Result<ExecuteResponse, ApiError> {
        let binary = dir.join("playground");

        if let Some(matched) = self.find_prebuilt(job) {
            // Instant Run: the listing's own binary, copied (never linked:
            // the Run may not write the workspace's file) to where rustc
            // would have written it, and run the same way. Copied by `cp`,
            // as rustc writes in a process of its own: a file this
            // (threaded) server held open for writing would be inherited by
            // any child another Run forks meanwhile, and exec'ing it would
            // fail with "Text file busy" until that child execs.
            let copied = tokio::process::Command::new("cp")
                .arg("--")
                .arg(matched.listing.binary())
                .arg(&binary)
                .stdin(Stdio::null())
                .output()
                .await
                .map_err(|e| ApiError::internal(format!("running cp: {e}")))?;
            if !copied.status.success() {
                return Err(ApiError::internal(format!(
                    "copying {}: cp {}: {}",
                    matched.listing.binary().display(),
                    copied.status,
                    String::from_utf8_lossy(&copied.stderr).trim()
                )));
            }
            self.prebuilt_runs.fetch_add(1, Ordering::SeqCst);
            let mut reply = self.run_program(job, dir, &binary, String::new(), identity).await?;
            reply.stdout = matched.rewrite(&reply.stdout);
            reply.stderr = matched.rewrite(&reply.stderr);
            return Ok(reply);
        }

        self.compiles.fetch_add(1, Ordering::SeqCst);
        let bare = self.rustc_command(job, source, &binary);
        let args: Vec<std::ffi::OsString> = bare.get_args().map(Into::into).collect();
        let readable = &self.deps.search_dirs;
        let view = View::Compiler { sysroot: &self.sysroot, readable, run_dir: dir };
        let mut compile = tokio::process::Command::from(self.jail.command(
            identity,
            &view,
            &jail::COMPILER,
            &self.rustc,
            &args,
        ));
        compile.current_dir(dir);
        let compiled =
            sandbox::run(compile, self.options.compile_timeout, self.options.output_limit)
                .await
                .map_err(|e| {
                    ApiError::internal(format!("starting rustc ({}): {e}", self.rustc.display()))
                })?;
        let mut stderr = String::from_utf8_lossy(&compiled.stderr).into_owned();
        if let Some(stopped) = compiled.stopped {
            let why = match stopped {
                Stopped::TimedOut => {
                    format!("took longer than {} s", self.options.compile_timeout.as_secs())
                }
                Stopped::OutputLimit => "wrote too many messages".to_string(),
            };
            stderr.push_str(&format!("\nerror: the compiler was stopped: it {why}\n"));
            return Ok(ExecuteResponse {
                success: false,
                exit_detail: format!("compiler {why}"),
                stdout: String::new(),
                stderr,
            });
        }
        if let Some(note) =
            jail::out_of_memory_note(compiled.status, &stderr, "the compiler", &jail::COMPILER)
        {
            stderr.push_str(&note);
        }
        let compile_status =
            compiled.status.map(|s| s.to_string()).unwrap_or_else(|| "killed".into());
        if !compiled.status.is_some_and(|s| s.success()) {
            return Ok(ExecuteResponse {
                success: false,
                exit_detail: compile_status,
                stdout: String::new(),
                stderr,
            });
        }
        if job.lib && !job.tests {
            return Ok(ExecuteResponse {
                success: true,
                exit_detail: compile_status,
                stdout: String::new(),
                stderr,
            });
        }

        self.run_program(job, dir, &binary, stderr, identity).await
    }

    /// The listing whose prebuilt binary may answer `job` (see prebuilt.rs):
    /// a debug binary Run without tests or backtrace of exactly its code.
    fn find_prebuilt(&self, job: &Job) -> Option<Matched<'_>> {
        if job.lib || job.tests || job.release || job.backtrace {
            return None;
        }
        self.prebuilt.find(&job.code, &job.edition)
    }

    /// Runs a Run's program `binary` (in its folder `dir`), confined; its
    /// stderr follows `stderr` (the compiler's messages).
    async fn run_program(
        &self,
        job: &Job,
        dir: &Path,
        binary: &Path,
        mut stderr: String,
        identity: Option<&Identity>,
    ) -> Result<ExecuteResponse, ApiError> {
        let view = View::Program { binary, run_dir: dir };
        let limits = jail::Limits { processes: self.options.max_processes, ..jail::PROGRAM };
        // The server spawns the launcher, never the binary itself, so a
        // binary still "busy" (ETXTBSY) would fail inside the launcher, not
        // here; instant Run copies with `cp`, which has exited by then.
        let mut program =
            tokio::process::Command::from(self.jail.command(identity, &view, &limits, binary, &[]));
        program
            .current_dir(dir)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", dir)
            .env("LANG", "C.UTF-8")
            .env("RUST_BACKTRACE", if job.backtrace { "1" } else { "0" });
        let ran = sandbox::run(program, self.options.run_timeout, self.options.output_limit)
            .await
            .map_err(|e| ApiError::internal(format!("starting the program: {e}")))?;
        let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
        stderr.push_str(&String::from_utf8_lossy(&ran.stderr));
        let (success, exit_detail) = match ran.stopped {
            Some(Stopped::TimedOut) => {
                let secs = self.options.run_timeout.as_secs_f64();
                stderr.push_str(&format!(
                    "\nerror: the program was stopped: it ran longer than {secs} s, the local playground's limit\n"
                ));
                (false, format!("timed out after {secs} s"))
            }
            Some(Stopped::OutputLimit) => {
                let kib = self.options.output_limit / 1024;
                stderr.push_str(&format!(
                    "\nerror: the program was stopped: it wrote more than {kib} KiB of output, the local playground's limit\n"
                ));
                (false, format!("output over {kib} KiB"))
            }
            None => match ran.status {
                Some(status) => (status.success(), status.to_string()),
                None => (false, "killed".to_string()),
            },
        };
        if let Some(note) = jail::out_of_memory_note(ran.status, &stderr, "the program", &limits) {
            stderr.push_str(&note);
        }
        Ok(ExecuteResponse { success, exit_detail, stdout, stderr })
    }
}

struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Hands `dir` and what is in it over to `uid` (a Run's own user id).
fn chown_tree(dir: &Path, uid: u32) -> std::io::Result<()> {
    std::os::unix::fs::chown(dir, Some(uid), Some(uid))?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            chown_tree(&path, uid)?;
        } else {
            std::os::unix::fs::lchown(&path, Some(uid), Some(uid))?;
        }
    }
    Ok(())
}

/// A new folder in `parent` named `prefix` and random characters, with
/// `mode`, removed when dropped. It is made with `mkdir`, which never
/// follows or reuses what is already there (a name taken, by a folder or a
/// symlink planted by someone else, means another random name).
pub fn private_dir(parent: &Path, prefix: &str, mode: u32) -> std::io::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempdir_in(parent)?;
    // The mode asked for, whatever the umask.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode))?;
    Ok(dir)
}

/// Removes the folders of playgrounds whose process is gone (one that was
/// killed could not remove its own).
fn remove_stale_work_dirs(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("book-playground-")) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The rustc that Cargo used for the workspace, called directly (no rustup
/// proxy on the hot path), and its version.
fn find_rustc(root: &Path) -> Result<(PathBuf, PathBuf, String)> {
    let proxy = PathBuf::from(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    let sysroot = std::process::Command::new(&proxy)
        .current_dir(root)
        .args(["--print", "sysroot"])
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running `{} --print sysroot`", proxy.display()))?;
    if !sysroot.status.success() {
        bail!("`{} --print sysroot` failed in {}", proxy.display(), root.display());
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let direct = sysroot.join("bin").join("rustc");
    let rustc = if direct.is_file() { direct } else { proxy };
    let version = std::process::Command::new(&rustc)
        .arg("--version")
        .output()
        .with_context(|| format!("running `{} --version`", rustc.display()))?;
    Ok((rustc, sysroot, String::from_utf8_lossy(&version.stdout).trim().to_string()))
}

// ---------------------------------------------------------------- HTTP ----

/// An error reply: `{"error": "..."}` with a status.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }
    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }
    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &ErrorResponse { error: self.message })
    }
}

fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let body = serde_json::to_vec(value)
        .unwrap_or_else(|_| b"{\"error\":\"unserializable reply\"}".to_vec());
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

struct GuardState {
    playground: Arc<Playground>,
    hosts: Vec<String>,
}

/// Who may use the playground: a request must name our own loopback host
/// and port (a DNS-rebound name is refused); if a browser says where it
/// comes from (`Origin`, `Sec-Fetch-Site`), it must be our own origin; and
/// a Run must carry a signed-in browser's session cookie ([`sign_in`]). No
/// CORS headers are ever sent, so other origins cannot read any reply
/// either.
async fn guard(State(state): State<Arc<GuardState>>, request: Request, next: Next) -> Response {
    if let Err(error) = check(&state, request.uri().path(), request.headers()) {
        return error.into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

fn check(state: &GuardState, path: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    let host = http::single(headers, &header::HOST)?.and_then(|h| h.to_str().ok()).unwrap_or("");
    if !state.hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host)) {
        return Err(ApiError::forbidden(format!(
            "Host '{host}' is not this playground's address ({}); the playground only answers requests \
             made to its own loopback address",
            state.hosts.join(" or ")
        )));
    }
    if let Some(origin) = http::single(headers, &header::ORIGIN)? {
        let origin = origin.to_str().unwrap_or("");
        if !origin.eq_ignore_ascii_case(&format!("http://{host}")) {
            return Err(ApiError::forbidden(format!(
                "Origin '{origin}' may not use the local playground: only the book served at http://{host} may"
            )));
        }
    }
    if let Some(site) = http::single(headers, &HeaderName::from_static("sec-fetch-site"))? {
        let site = site.to_str().unwrap_or("");
        // The one exception: the sign-in link opened as a page, from
        // anywhere. `serve --open` opens it from a local file (which the
        // browser calls cross-site), and a reader may click it in a chat
        // or a terminal; the one-time secret is what lets it in.
        let sign_in_page = path == sign_in::PATH
            && http::single(headers, &HeaderName::from_static("sec-fetch-mode"))?
                .is_some_and(|mode| mode == "navigate");
        if site != "same-origin" && site != "none" && !sign_in_page {
            return Err(ApiError::forbidden(format!(
                "a request from another site (Sec-Fetch-Site: {site}) may not use the local playground"
            )));
        }
    }
    if path == "/meta/session" {
        // Only a script's fetch may read the session, never a <script>,
        // <img> or frame that loads it.
        if let Some(dest) = http::single(headers, &HeaderName::from_static("sec-fetch-dest"))? {
            let dest = dest.to_str().unwrap_or("");
            if dest != "empty" {
                return Err(ApiError::forbidden(format!(
                    "the session may only be fetched by a script (Sec-Fetch-Dest: {dest})"
                )));
            }
        }
    }
    Ok(())
}

/// Proof that a request came from a signed-in browser: made only by
/// [`require_session`], required by [`Playground::run`].
#[derive(Clone)]
struct Authorized(());

/// The session check of every route that runs code ([`Access::RunsCode`]).
async fn require_session(
    State(state): State<Arc<GuardState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let signed_in = state.playground.sign_in.get().is_some_and(|s| s.signed_in(request.headers()));
    if !signed_in {
        return ApiError::forbidden(format!("not signed in: {}", sign_in::HOW_TO_SIGN_IN))
            .into_response();
    }
    request.extensions_mut().insert(Authorized(()));
    next.run(request).await
}

/// What a route may do, and so which checks it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Answers from what the server knows (the crates, the session).
    Reads,
    /// Exchanges a one-time secret for a session cookie.
    SignsIn,
    /// Compiles and runs the request's code: only for a signed-in browser.
    RunsCode,
}

struct Route {
    path: &'static str,
    access: Access,
    handler: MethodRouter<Arc<Playground>>,
}

/// The playground's routes, each with what it may do. The one table the
/// router is built from.
fn routes() -> Vec<Route> {
    vec![
        Route { path: "/execute", access: Access::RunsCode, handler: post(execute) },
        Route { path: "/evaluate.json", access: Access::RunsCode, handler: post(evaluate) },
        Route {
            path: "/meta/crates",
            access: Access::Reads,
            handler: get(meta_crates).post(meta_crates),
        },
        Route { path: "/meta/session", access: Access::Reads, handler: get(session) },
        Route { path: sign_in::PATH, access: Access::SignsIn, handler: get(sign_in_with_secret) },
    ]
}

/// Reads a JSON body of at most `limit` bytes, arriving whole within
/// `timeout`. A larger body is read to its end (up to a hard cap) before
/// the reply, so that the client, still sending, gets the reply rather
/// than a reset connection.
async fn read_json<T: DeserializeOwned>(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<T, ApiError> {
    const DRAIN_CAP: usize = 64 * 1024 * 1024;
    let too_large = |size: usize| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is {size} bytes; the local playground accepts at most {limit} bytes"
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(size) = declared
        && size > DRAIN_CAP
    {
        return Err(too_large(size));
    }
    let reading = async {
        let mut stream = body.into_data_stream();
        let mut bytes = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::bad_request(format!("reading the request body: {e}")))?;
            total += chunk.len();
            if total <= limit {
                bytes.extend_from_slice(&chunk);
            } else if total > DRAIN_CAP {
                break;
            }
        }
        Ok((bytes, total))
    };
    let (bytes, total) = tokio::time::timeout(timeout, reading).await.map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {} s; the local playground waits no longer",
                timeout.as_secs_f64()
            ),
        )
    })??;
    if total > limit {
        return Err(too_large(total));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("malformed JSON request: {e}")))
}

/// A Run asked for in either API: the request read and checked, turned
/// into a job, run.
async fn run_request<R: DeserializeOwned>(
    playground: &Playground,
    request: Request,
    to_job: fn(R) -> Result<Job, ApiError>,
) -> Result<ExecuteResponse, ApiError> {
    let (parts, body) = request.into_parts();
    // Only the session check puts it there (a route mounted without the
    // check fails here, closed).
    let authorized = parts.extensions.get::<Authorized>().cloned().ok_or_else(|| {
        ApiError::internal("this route runs code but was mounted without the session check")
    })?;
    let options = &playground.options;
    let request: R =
        read_json(body, &parts.headers, options.body_limit, options.body_timeout).await?;
    playground.run(to_job(request)?, &authorized).await
}

async fn execute(State(playground): State<Arc<Playground>>, request: Request) -> Response {
    match run_request(&playground, request, Job::from_execute).await {
        Ok(response) => json_response(StatusCode::OK, &response),
        Err(error) => error.into_response(),
    }
}

async fn evaluate(State(playground): State<Arc<Playground>>, request: Request) -> Response {
    match run_request(&playground, request, Job::from_evaluate).await {
        Ok(response) if response.success => json_response(
            StatusCode::OK,
            &EvaluateResponse { result: response.stdout, error: None },
        ),
        Ok(response) => {
            let result = response.stderr + &response.stdout;
            json_response(
                StatusCode::OK,
                &EvaluateResponse { result: result.clone(), error: Some(result) },
            )
        }
        Err(error) => error.into_response(),
    }
}

async fn meta_crates(State(playground): State<Arc<Playground>>) -> Response {
    json_response(StatusCode::OK, &CratesResponse { crates: playground.crates() })
}

async fn session(State(playground): State<Arc<Playground>>, headers: HeaderMap) -> Response {
    let signed_in = playground.sign_in.get().is_some_and(|s| s.signed_in(&headers));
    json_response(
        StatusCode::OK,
        &SessionResponse {
            signed_in,
            how_to_sign_in: if signed_in { String::new() } else { sign_in::HOW_TO_SIGN_IN.into() },
            rustc: playground.rustc_version.clone(),
            crates: playground.crates(),
            run_timeout_secs: playground.options.run_timeout.as_secs(),
        },
    )
}

/// `GET /meta/sign-in?secret=...`, the link `serve` printed: uses up the
/// secret, sets the session cookie and goes on to the book's first page;
/// then prints a new link for another browser. A used or unknown secret
/// gets a page saying where to find a working link.
async fn sign_in_with_secret(
    State(playground): State<Arc<Playground>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let Some(sign_in) = playground.sign_in.get() else {
        return ApiError::internal("the playground's router is not made yet").into_response();
    };
    let secret = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("secret="))
        .unwrap_or("");
    let cookie = match sign_in.exchange(secret) {
        Ok(Some(cookie)) => cookie,
        Ok(None) => {
            let page = format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in link \
                 used or unknown</title></head><body><h1>This sign-in link does not work</h1><p>It \
                 was used already, or it belongs to an earlier start of <code>cargo xtask \
                 serve</code>.</p><p>{}</p><p><a href=\"/\">Read the book</a> (Run needs the \
                 link).</p></body></html>",
                sign_in::HOW_TO_SIGN_IN.replace('`', "")
            );
            let mut response = (StatusCode::FORBIDDEN, page).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            return response;
        }
        Err(err) => {
            return ApiError::internal(format!("reading /dev/urandom: {err}")).into_response();
        }
    };
    // The guard let only our own Host through.
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok())
        && let Ok(link) = sign_in.new_link(host)
    {
        println!("a browser signed in; the link is used up. For another browser: {link}");
    }
    let mut response = (StatusCode::SEE_OTHER, "").into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, HeaderValue::from_static("/"));
    headers.insert(header::SET_COOKIE, cookie);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt as _;

    /// A playground whose rustc does not exist: a request that reached a
    /// compile would fail with "starting rustc".
    fn playground() -> Arc<Playground> {
        Arc::new(Playground {
            options: Options::new("/nonexistent"),
            deps: Deps {
                crates: Vec::new(),
                search_dirs: Vec::new(),
                jail: PathBuf::from("/nonexistent/jail"),
            },
            rustc: PathBuf::from("/nonexistent/rustc"),
            sysroot: PathBuf::from("/nonexistent"),
            rustc_version: "rustc 0.0.0".into(),
            jail: Jail::unprobed(Path::new("/nonexistent/jail")),
            sign_in: std::sync::OnceLock::new(),
            work_dir: tempfile::tempdir().unwrap(),
            runs: Semaphore::new(1),
            waiting: AtomicUsize::new(0),
            prebuilt: Prebuilt::default(),
            compiles: AtomicUsize::new(0),
            prebuilt_runs: AtomicUsize::new(0),
        })
    }

    const ADDR: &str = "127.0.0.1:3000";

    async fn post_without_session(router: Router, path: &str) -> (StatusCode, String) {
        let body = r#"{"code":"fn main() {}","version":"stable","optimize":"0"}"#;
        let request = Request::post(path)
            .header(header::HOST, ADDR)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn every_route_that_runs_code_is_behind_the_session_check() {
        let runs_code: Vec<&str> =
            routes().iter().filter(|r| r.access == Access::RunsCode).map(|r| r.path).collect();
        assert_eq!(runs_code, ["/execute", "/evaluate.json"], "the routes that run code");

        let router = playground().router(ADDR.parse().unwrap()).unwrap();
        for route in routes() {
            let (status, body) = post_without_session(router.clone(), route.path).await;
            match route.access {
                Access::RunsCode => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{}: {body}", route.path);
                    assert!(body.contains("not signed in"), "{}: {body}", route.path);
                }
                Access::Reads | Access::SignsIn => {
                    // (`/meta/session` and the sign-in are GET only.)
                    assert!(
                        status == StatusCode::OK || status == StatusCode::METHOD_NOT_ALLOWED,
                        "{}: {status} {body}",
                        route.path
                    );
                    assert!(!body.contains("rustc ("), "{} compiled: {body}", route.path);
                }
            }
        }
    }

    #[tokio::test]
    async fn a_code_route_mounted_without_the_check_runs_nothing() {
        // What someone adding a route by hand, past `routes()`, would get:
        // the handler finds no `Authorized` and stops before compiling.
        for (path, handler) in [("/execute", post(execute)), ("/evaluate.json", post(evaluate))] {
            let router = Router::new().route(path, handler).with_state(playground());
            let (status, body) = post_without_session(router, path).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}: {body}");
            assert!(body.contains("mounted without the session check"), "{path}: {body}");
        }
    }
}
