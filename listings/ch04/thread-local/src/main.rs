use std::cell::RefCell;
use std::thread;

// ANCHOR: context
thread_local! {
    // Stands in for a C library that keeps a "current context" per OS
    // thread, the way CUDA or OpenGL do.
    static CONTEXT: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn thread_name() -> String {
    thread::current().name().unwrap_or("<unnamed>").to_string()
}

fn make_context_current() {
    CONTEXT.set(Some(format!("context made on {}", thread_name())));
}

fn use_context() -> String {
    CONTEXT.with_borrow(|context| match context {
        Some(context) => format!("ok, {context}"),
        None => "ERROR: no context on this thread".to_string(),
    })
}
// ANCHOR_END: context

// ANCHOR: render
async fn render() {
    make_context_current();
    println!("before .await, on {}: {}", thread_name(), use_context());
    tokio::task::yield_now().await;
    println!("after .await, on {}: {}", thread_name(), use_context());
}
// ANCHOR_END: render

// ANCHOR: main
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Poll the future once right here, on the main thread: it runs up to
    // its `.await` and returns Pending. Then hand it to a worker thread.
    let mut job = Box::pin(render());
    assert!(futures::poll!(&mut job).is_pending());
    tokio::spawn(job).await.unwrap();
    // ANCHOR_END: main

    // ANCHOR: fix
    // The fix: keep everything that needs the thread in one synchronous
    // closure, which runs start to finish on one thread of the blocking pool.
    let report = tokio::task::spawn_blocking(|| {
        make_context_current();
        let first = use_context();
        let second = use_context();
        format!(
            "spawn_blocking, on {}: {first}; then {second}",
            thread_name()
        )
    })
    .await
    .unwrap();
    println!("{report}");
}
// ANCHOR_END: fix
