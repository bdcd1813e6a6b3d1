use std::marker::PhantomPinned;
use std::pin::{Pin, pin};

// ANCHOR: struct
/// `SelfRef` again, now marked `!Unpin`: once pinned, it stays put.
struct SelfRef {
    value: u64,
    ptr: *const u64,
    _pinned: PhantomPinned,
}

impl SelfRef {
    fn new(value: u64) -> SelfRef {
        SelfRef {
            value,
            ptr: std::ptr::null(),
            _pinned: PhantomPinned,
        }
    }

    /// Makes `ptr` point at `value`. It takes `self` pinned, so the
    /// struct cannot move after this.
    fn init(self: Pin<&mut Self>) {
        // SAFETY: we only write a field; nothing is moved out of `self`.
        let this = unsafe { self.get_unchecked_mut() };
        this.ptr = &this.value;
    }

    /// Reads `value` through `ptr`.
    fn read_through_ptr(self: Pin<&Self>) -> u64 {
        assert!(std::ptr::eq(self.ptr, &self.value), "call init first");
        // SAFETY: `ptr` points at our own `value` (checked above), and the
        // struct is pinned, so it is still there.
        unsafe { *self.ptr }
    }
}
// ANCHOR_END: struct

// ANCHOR: main
fn main() {
    // Pinned on the stack: `pin!` moves the value into a slot that the
    // code cannot name, and gives back a `Pin<&mut SelfRef>`.
    let mut on_stack = pin!(SelfRef::new(1));
    on_stack.as_mut().init();
    println!(
        "pin!: read through ptr: {}",
        on_stack.as_ref().read_through_ptr()
    );

    // Pinned on the heap: the box may move, the value inside it does not.
    let mut boxed = Box::pin(SelfRef::new(2));
    boxed.as_mut().init();
    let boxes = vec![boxed]; // moves the box, not the value
    for b in &boxes {
        println!(
            "Box::pin: read through ptr: {}",
            b.as_ref().read_through_ptr()
        );
    }
}
// ANCHOR_END: main
