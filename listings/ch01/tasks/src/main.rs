use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::size_of_val;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::sync::Barrier;

const N: usize = 10_000;

// ANCHOR: main
// One OS thread runs every task of this program.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let before = Memory::read();
    let start = Instant::now();

    // The same meeting as with threads, but with tokio's Barrier, whose
    // `wait` is async: a task waiting at it gives the thread back.
    let barrier = Arc::new(Barrier::new(N + 1));
    let mut handles = Vec::with_capacity(N);
    let mut future_size = 0;
    let heap_before = heap_in_use();
    for _ in 0..N {
        let barrier = Arc::clone(&barrier);
        let task = async move {
            barrier.wait().await; // I am running
            barrier.wait().await; // wait to be let go
        };
        future_size = size_of_val(&task); // the same for every task
        handles.push(tokio::spawn(task));
    }
    let heap_per_spawn = (heap_in_use() - heap_before) / N;
    let (cell_size, cell_align) = last_over_aligned();
    barrier.wait().await; // all N tasks are running and waiting
    let started = start.elapsed();
    let during = Memory::read();

    barrier.wait().await; // let them all go
    for handle in handles {
        handle.await.unwrap();
    }
    let total = start.elapsed();

    println!("{N} tasks on one thread, each waiting until all had started");
    println!("  started all in    {:>6} ms", started.as_millis());
    println!("  started + joined  {:>6} ms", total.as_millis());
    report(&before, &during, N, "task");
    println!("  future of a task  {future_size:>6} bytes");
    println!("  heap per spawn    {heap_per_spawn:>6} bytes");
    println!(
        "  task cell         {cell_size:>6} bytes, aligned to {cell_align}"
    );
}
// ANCHOR_END: main

// ANCHOR: heap
/// The program's allocator: the system's, plus a count of the bytes that
/// are allocated and not yet freed, and the size and alignment of the last
/// block asked for with an alignment above 16 (tokio's task cells are).
struct CountingAllocator;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);
static OVER_ALIGNED_SIZE: AtomicUsize = AtomicUsize::new(0);
static OVER_ALIGNED_ALIGN: AtomicUsize = AtomicUsize::new(0);

fn heap_in_use() -> usize {
    HEAP_IN_USE.load(Ordering::Relaxed)
}

fn last_over_aligned() -> (usize, usize) {
    let size = OVER_ALIGNED_SIZE.load(Ordering::Relaxed);
    (size, OVER_ALIGNED_ALIGN.load(Ordering::Relaxed))
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HEAP_IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        if layout.align() > 16 {
            OVER_ALIGNED_SIZE.store(layout.size(), Ordering::Relaxed);
            OVER_ALIGNED_ALIGN.store(layout.align(), Ordering::Relaxed);
        }
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
// ANCHOR_END: heap
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
