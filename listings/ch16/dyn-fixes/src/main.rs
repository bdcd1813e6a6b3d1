use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::mem::size_of_val;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

// ANCHOR: by-hand
/// The future is boxed by hand, in the signature.
trait BoxedStore {
    fn stock<'a>(
        &'a self,
        item: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<u32>> + Send + 'a>>;
}

struct Memory(HashMap<String, u32>);

impl BoxedStore for Memory {
    fn stock<'a>(
        &'a self,
        item: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<u32>> + Send + 'a>> {
        Box::pin(async move { self.0.get(item).copied() })
    }
}

/// Always out of stock.
struct Empty;

impl BoxedStore for Empty {
    fn stock<'a>(
        &'a self,
        _item: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<u32>> + Send + 'a>> {
        Box::pin(async { None })
    }
}
// ANCHOR_END: by-hand

// ANCHOR: crate
/// The same, written by the `async_trait` macro.
#[async_trait]
trait CrateStore {
    async fn stock(&self, item: &str) -> Option<u32>;
}

#[async_trait]
impl CrateStore for Memory {
    async fn stock(&self, item: &str) -> Option<u32> {
        self.0.get(item).copied()
    }
}
// ANCHOR_END: crate

// ANCHOR: static
/// Native `async fn`: no box, but no `dyn` either.
trait Store {
    async fn stock(&self, item: &str) -> Option<u32>;
}

impl Store for Memory {
    async fn stock(&self, item: &str) -> Option<u32> {
        self.0.get(item).copied()
    }
}
// ANCHOR_END: static

// ANCHOR: counter
/// The system allocator, counting how many times it is asked for memory.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}
// ANCHOR_END: counter

// ANCHOR: stores
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let items = HashMap::from([("tea".to_string(), 12)]);
    // The loop that `dyn Store` refused, now with `dyn BoxedStore`.
    let stores: Vec<Box<dyn BoxedStore>> =
        vec![Box::new(Memory(items.clone())), Box::new(Empty)];
    for store in &stores {
        println!("{:?}", store.stock("tea").await);
    }

    measure(Memory(items)).await;
}
// ANCHOR_END: stores

// ANCHOR: measure
const CALLS: usize = 1000;

/// Sizes and allocations of the three versions, for the same store.
async fn measure(memory: Memory) {
    let by_hand: Box<dyn BoxedStore> = Box::new(Memory(memory.0.clone()));
    let by_crate: Box<dyn CrateStore> = Box::new(Memory(memory.0.clone()));

    let future = Store::stock(&memory, "tea");
    println!("async fn: the future is {} bytes", size_of_val(&future));
    let before = allocations();
    for _ in 0..CALLS {
        assert_eq!(Store::stock(&memory, "tea").await, Some(12));
    }
    let count = allocations() - before;
    println!("  {count} allocations for {CALLS} calls");

    let future = by_hand.stock("tea");
    println!(
        "by hand: a {}-byte box, pointing to {} bytes on the heap",
        size_of_val(&future),
        size_of_val(&*future),
    );
    let before = allocations();
    for _ in 0..CALLS {
        assert_eq!(by_hand.stock("tea").await, Some(12));
    }
    let count = allocations() - before;
    println!("  {count} allocations for {CALLS} calls");

    let future = by_crate.stock("tea");
    println!(
        "async-trait: a {}-byte box, pointing to {} bytes on the heap",
        size_of_val(&future),
        size_of_val(&*future),
    );
    let before = allocations();
    for _ in 0..CALLS {
        assert_eq!(by_crate.stock("tea").await, Some(12));
    }
    let count = allocations() - before;
    println!("  {count} allocations for {CALLS} calls");
}
// ANCHOR_END: measure
