// ANCHOR: all
use std::collections::BTreeSet;
use std::thread;
use tokio::runtime::{Builder, Runtime};

fn thread_name() -> String {
    thread::current().name().unwrap_or("<unnamed>").to_string()
}

/// Spawns eight tasks on `runtime` and collects the names of the threads
/// they ran on.
fn where_tasks_run(label: &str, runtime: &Runtime) {
    let names: BTreeSet<String> = runtime.block_on(async {
        println!("{label}: block_on runs its future on {:?}", thread_name());
        let handles: Vec<_> = (0..8)
            .map(|_| tokio::spawn(async { thread_name() }))
            .collect();
        let mut names = BTreeSet::new();
        for handle in handles {
            names.insert(handle.await.unwrap());
        }
        names
    });
    let workers = runtime.metrics().num_workers();
    println!("{label}: {workers} worker(s); spawned tasks ran on {names:?}");
}

fn main() {
    let current = Builder::new_current_thread().build().unwrap();
    where_tasks_run("current_thread", &current);

    let multi = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    where_tasks_run("multi_thread", &multi);
}
// ANCHOR_END: all
