use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Instant;

const N: usize = 10_000;

// ANCHOR: main
fn main() {
    let before = Memory::read();
    let start = Instant::now();

    // Every thread meets the others twice at this barrier: once to say
    // "I am running", once to be let go. In between, all N threads exist
    // at the same time and are blocked, like threads waiting for I/O.
    let barrier = Arc::new(Barrier::new(N + 1));
    let mut handles = Vec::with_capacity(N);
    for _ in 0..N {
        let barrier = Arc::clone(&barrier);
        let spawned = thread::Builder::new().spawn(move || {
            barrier.wait(); // I am running
            barrier.wait(); // wait to be let go
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                // Some machines cap the number of threads (the online
                // playground does); exiting ends the blocked threads too.
                println!("could start only {} threads: {err}", handles.len());
                std::process::exit(0);
            }
        }
    }
    barrier.wait(); // all N threads are running and blocked
    let started = start.elapsed();
    let during = Memory::read();

    barrier.wait(); // let them all go
    for handle in handles {
        handle.join().unwrap();
    }
    let total = start.elapsed();

    println!("{N} threads, each blocked until all had started");
    println!("  started all in    {:>6} ms", started.as_millis());
    println!("  started + joined  {:>6} ms", total.as_millis());
    report(&before, &during, N, "thread");
}
// ANCHOR_END: main

// ANCHOR: memory
/// The lines of /proc/self/status we look at, in KiB (Linux only).
struct Memory {
    /// VmSize: address space reserved, whether used or not.
    virtual_kib: u64,
    /// VmRSS: pages really in RAM right now.
    resident_kib: u64,
}

impl Memory {
    fn read() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            line.split_whitespace().nth(1)?.parse().ok()
        };
        Some(Memory {
            virtual_kib: field("VmSize:")?,
            resident_kib: field("VmRSS:")?,
        })
    }
}

fn report(
    before: &Option<Memory>,
    during: &Option<Memory>,
    n: usize,
    what: &str,
) {
    let (Some(before), Some(during)) = (before, during) else {
        println!("  (memory not measured: /proc/self/status is Linux-only)");
        return;
    };
    let virt = during.virtual_kib.saturating_sub(before.virtual_kib);
    let rss = during.resident_kib.saturating_sub(before.resident_kib);
    println!("  virtual memory    {:>6} MiB more", virt / 1024);
    println!("  resident memory   {:>6} MiB more", rss / 1024);
    println!(
        "  per {what:<6}        {:>6} bytes resident",
        rss * 1024 / n as u64
    );
}
// ANCHOR_END: memory
