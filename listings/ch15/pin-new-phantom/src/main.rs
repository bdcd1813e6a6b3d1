use std::marker::PhantomPinned;
use std::pin::Pin;

/// The `SelfRef` of the previous listing, without its methods.
struct SelfRef {
    value: u64,
    ptr: *const u64,
    _pinned: PhantomPinned,
}

// ANCHOR: main
fn main() {
    let mut self_ref = SelfRef {
        value: 1,
        ptr: std::ptr::null(),
        _pinned: PhantomPinned,
    };
    let pinned = Pin::new(&mut self_ref);
    let ptr = pinned.ptr;
    println!("value {}, ptr is null: {}", pinned.value, ptr.is_null());
}
// ANCHOR_END: main
