use std::cell::Cell;
use std::mem::size_of_val;
use std::rc::Rc;
use std::task::{Context, Waker};

// ANCHOR: struct
/// A value and a pointer that is meant to point at that value.
struct SelfRef {
    value: u64,
    ptr: *const u64,
}

impl SelfRef {
    fn new(value: u64) -> SelfRef {
        SelfRef {
            value,
            ptr: std::ptr::null(),
        }
    }

    /// Makes `ptr` point at this struct's own `value`.
    fn init(&mut self) {
        self.ptr = &self.value;
    }

    /// Whether `ptr` points at this struct's own `value`. It compares
    /// addresses and never reads through `ptr`.
    fn points_at_itself(&self) -> bool {
        std::ptr::eq(self.ptr, &self.value)
    }
}
// ANCHOR_END: struct

// ANCHOR: move
fn move_a_self_ref() {
    let mut on_stack = SelfRef::new(42);
    on_stack.init();
    let old_place: *const u64 = &on_stack.value;
    println!("before the move:");
    println!(
        "  ptr points at its own value: {}",
        on_stack.points_at_itself()
    );

    // Moving the struct into a box copies its bytes to the heap, `ptr`
    // included. Nothing updates `ptr`.
    let on_heap = Box::new(on_stack);
    println!("after the move:");
    println!(
        "  ptr points at its own value: {}",
        on_heap.points_at_itself()
    );
    println!(
        "  ptr still points at the old place: {}",
        std::ptr::eq(on_heap.ptr, old_place)
    );
    println!("  value moved with the struct: {}", on_heap.value == 42);
}
// ANCHOR_END: move

// ANCHOR: async-block
fn a_future_borrows_itself() {
    // Where the future's locals `buffer` and `first` live, written from
    // inside it.
    let buffer_at = Rc::new(Cell::new(0usize));
    let first_at = Rc::new(Cell::new(0usize));
    let (report_buffer, report_first) = (buffer_at.clone(), first_at.clone());
    let future = async move {
        let buffer = [7u8; 64];
        let first = &buffer[0]; // a borrow of a local...
        report_buffer.set(first as *const u8 as usize);
        report_first.set(&first as *const &u8 as usize);
        tokio::task::yield_now().await; // ...held across an `.await`
        *first
    };

    let mut future = Box::pin(future);
    let start = &*future as *const _ as usize;
    let end = start + size_of_val(&*future);
    let mut cx = Context::from_waker(Waker::noop());
    let _ = future.as_mut().poll(&mut cx); // runs up to the `.await`

    let inside = |at: usize| start <= at && at < end;
    println!("the future holds the 64-byte buffer: {}", end - start >= 64);
    println!(
        "its local `buffer` lies inside it: {}",
        inside(buffer_at.get())
    );
    println!(
        "and so does `first`, which points at `buffer`: {}",
        inside(first_at.get())
    );
}
// ANCHOR_END: async-block

fn main() {
    move_a_self_ref();
    a_future_borrows_itself();
}
