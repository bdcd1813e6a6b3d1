use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::size_of_val;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

// ANCHOR: futures
/// Keeps nothing across its `.await`.
async fn keeps_nothing() {
    tokio::task::yield_now().await;
}

/// Keeps an N-byte buffer across its `.await`, so the future holds it.
async fn keeps_buffer<const N: usize>() -> u8 {
    let buffer = [1u8; N];
    tokio::task::yield_now().await;
    buffer[N - 1]
}
// ANCHOR_END: futures

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    // A first spawn sets up what the runtime allocates once, so that the
    // rows below show only what each spawn costs.
    tokio::spawn(keeps_nothing()).await.unwrap();

    measure("keeps_nothing()", keeps_nothing()).await;
    measure("keeps_buffer::<64>()", keeps_buffer::<64>()).await;
    measure("keeps_buffer::<1000>()", keeps_buffer::<1000>()).await;
    measure("keeps_buffer::<4000>()", keeps_buffer::<4000>()).await;
}

/// Spawns `future` and prints its size and every heap block the spawn
/// allocated.
async fn measure<F>(name: &str, future: F)
where
    F: Future<Output: Send + 'static> + Send + 'static,
{
    let size = size_of_val(&future);
    RECORDING.store(true, Ordering::Relaxed);
    let handle = tokio::spawn(future);
    RECORDING.store(false, Ordering::Relaxed);
    handle.await.unwrap();

    let blocks = take_recorded();
    let total: usize = blocks.iter().map(|(size, _)| size).sum();
    let list: Vec<String> = blocks
        .iter()
        .map(|(size, align)| format!("{size} (align {align})"))
        .collect();
    println!("{name}");
    println!("  future:        {size:>5} bytes");
    println!("  spawn alloc'd: {total:>5} bytes = {}", list.join(" + "));
    println!("  tokio's share: {:>5} bytes", total - size);
}
// ANCHOR_END: main

/// The system's allocator, which also writes down the size and alignment
/// of each block allocated while `RECORDING` is on (up to 8 blocks).
struct RecordingAllocator;

static RECORDING: AtomicBool = AtomicBool::new(false);
static COUNT: AtomicUsize = AtomicUsize::new(0);
static SIZES: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8];
static ALIGNS: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8];

fn take_recorded() -> Vec<(usize, usize)> {
    let count = COUNT.swap(0, Ordering::Relaxed).min(8);
    let size = |i: usize| SIZES[i].load(Ordering::Relaxed);
    (0..count)
        .map(|i| (size(i), ALIGNS[i].load(Ordering::Relaxed)))
        .collect()
}

unsafe impl GlobalAlloc for RecordingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if RECORDING.load(Ordering::Relaxed) {
            let i = COUNT.fetch_add(1, Ordering::Relaxed);
            if i < 8 {
                SIZES[i].store(layout.size(), Ordering::Relaxed);
                ALIGNS[i].store(layout.align(), Ordering::Relaxed);
            }
        }
        // SAFETY: the caller keeps `alloc`'s contract; we pass it on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: RecordingAllocator = RecordingAllocator;
