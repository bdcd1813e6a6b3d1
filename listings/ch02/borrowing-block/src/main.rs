use futures::executor::block_on;
use std::future::Future;

// ANCHOR: greeting
fn greeting(name: &str) -> impl Future<Output = String> {
    // This line runs now, when `greeting` is called...
    let name = name.trim().to_string();

    // ...and this block runs later, when the future is awaited.
    async { format!("Hello, {name}!") }
}
// ANCHOR_END: greeting

fn main() {
    let future = greeting("  Ferris ");
    println!("{}", block_on(future));
}
