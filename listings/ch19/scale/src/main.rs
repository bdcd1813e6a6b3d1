use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::size_of_val;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

// ANCHOR: settings
/// How many tasks, and how many threads, each round starts.
const COUNTS: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
/// This listing starts no more threads than this in one round.
const THREAD_CAP: usize = 10_000;
// ANCHOR_END: settings

// ANCHOR: main
fn main() {
    println!(
        "{:<8}{:>8}{:>12}{:>11}{:>10}{:>10}",
        "kind", "count", "heap_bytes", "rss_bytes", "spawn_ns", "total_ns"
    );
    // One thread runs every task, as in chapter 1.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut future_size = 0;
    for n in COUNTS {
        let row;
        (row, future_size) = runtime.block_on(tasks(n));
        row.print("tasks", n);
    }
    for n in COUNTS {
        if n > THREAD_CAP {
            println!("threads {n:>8}  not run: over the cap of {THREAD_CAP}");
            continue;
        }
        match threads(n) {
            Ok(row) => row.print("threads", n),
            Err(refusal) => {
                println!("threads {n:>8}  stopped: {refusal}");
                break;
            }
        }
    }
    println!("future_bytes {future_size}  (the future each task runs)");
}
// ANCHOR_END: main

// ANCHOR: row
/// One round's measurements, each divided by the number of tasks or
/// threads: heap bytes and resident bytes added while all of them existed,
/// the time of one spawn call, and the time from the first spawn until the
/// last one finished.
struct Row {
    heap: usize,
    rss: usize,
    spawn: Duration,
    total: Duration,
}

impl Row {
    fn new(
        n: usize,
        (heap_before, rss_before): (usize, usize),
        (heap_during, rss_during): (usize, usize),
        spawned: Duration,
        finished: Duration,
    ) -> Row {
        Row {
            heap: heap_during.saturating_sub(heap_before) / n,
            rss: rss_during.saturating_sub(rss_before) / n,
            spawn: spawned / n as u32,
            total: finished / n as u32,
        }
    }

    fn print(&self, kind: &str, n: usize) {
        println!(
            "{kind:<8}{n:>8}{:>12}{:>11}{:>10}{:>10}",
            self.heap,
            self.rss,
            self.spawn.as_nanos(),
            self.total.as_nanos()
        );
    }
}
// ANCHOR_END: row

// ANCHOR: tasks
/// Spawns `n` tasks, measures, then lets them run. Returns the row, and
/// the size of the future each task runs.
async fn tasks(n: usize) -> (Row, usize) {
    let finished = Arc::new(AtomicUsize::new(0));
    let all_finished = Arc::new(Notify::new());
    let before = (heap_in_use(), resident_bytes());

    let mut future_size = 0;
    let start = Instant::now();
    for _ in 0..n {
        let finished = finished.clone();
        let all_finished = all_finished.clone();
        let task = async move {
            if finished.fetch_add(1, Ordering::Relaxed) + 1 == n {
                all_finished.notify_one(); // the last task says so
            }
        };
        future_size = size_of_val(&task);
        // The `JoinHandle` is dropped: the task is detached and runs on.
        tokio::spawn(task);
    }
    let spawned = start.elapsed();
    // All n tasks exist now and none has run yet: this thread is still
    // busy with `main`, which has not reached an `.await`.
    let during = (heap_in_use(), resident_bytes());

    all_finished.notified().await; // let them run, wait for the last
    let row = Row::new(n, before, during, spawned, start.elapsed());
    (row, future_size)
}
// ANCHOR_END: tasks

// ANCHOR: threads
/// Starts `n` threads that each block at a gate, measures, then opens it.
/// If the system refuses a thread, says which one and why.
fn threads(n: usize) -> Result<Row, String> {
    let mut handles = Vec::with_capacity(n);
    let gate = Arc::new(Gate::default());
    let before = (heap_in_use(), resident_bytes());

    let start = Instant::now();
    let mut refused = None;
    for _ in 0..n {
        let gate = gate.clone();
        // `Builder::spawn` returns the system's refusal as an `Err`, where
        // `thread::spawn` would panic.
        match thread::Builder::new().spawn(move || gate.arrive_and_wait()) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                refused = Some(err);
                break;
            }
        }
    }
    let spawned = start.elapsed();
    gate.wait_for(handles.len()); // every thread has started and blocks
    let during = (heap_in_use(), resident_bytes());

    gate.open(); // let them all go
    let started = handles.len();
    for handle in handles {
        handle.join().expect("the thread finished");
    }
    match refused {
        Some(err) => Err(format!("thread {} refused: {err}", started + 1)),
        None => Ok(Row::new(n, before, during, spawned, start.elapsed())),
    }
}
// ANCHOR_END: threads

/// Threads count themselves in, then block until the main thread opens it.
#[derive(Default)]
struct Gate {
    state: Mutex<(usize, bool)>, // (threads started, gate open)
    arrived: Condvar,
    opened: Condvar,
}

impl Gate {
    fn arrive_and_wait(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        self.arrived.notify_one();
        while !state.1 {
            state = self.opened.wait(state).unwrap();
        }
    }

    fn wait_for(&self, count: usize) {
        let mut state = self.state.lock().unwrap();
        while state.0 < count {
            state = self.arrived.wait(state).unwrap();
        }
    }

    fn open(&self) {
        self.state.lock().unwrap().1 = true;
        self.opened.notify_all();
    }
}

// ANCHOR: measure
/// VmRSS from /proc/self/status: the bytes of this process really in RAM
/// (Linux only; elsewhere 0).
fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status");
    let status = status.unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:"));
    let kib = line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
    kib.unwrap_or(0usize) * 1024
}

/// The system's allocator, plus a count of the heap bytes in use.
struct CountingAllocator;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);

fn heap_in_use() -> usize {
    HEAP_IN_USE.load(Ordering::Relaxed)
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HEAP_IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller keeps `alloc`'s contract; we pass it on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;
// ANCHOR_END: measure
