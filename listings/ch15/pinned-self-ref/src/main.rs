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

    /// Reads `value` through `ptr`. A shared `Pin<&Self>` is enough.
    fn read_through_ptr(self: Pin<&Self>) -> u64 {
        // Only for the demonstration: stop loudly if `ptr` went stale.
        assert!(std::ptr::eq(self.ptr, &self.value), "call init first");
        // SAFETY: `init` pointed `ptr` at our own `value`, and the struct
        // is pinned, so it has not moved since.
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
