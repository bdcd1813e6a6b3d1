// ANCHOR: all
async fn answer() -> u32 {
    42
}

fn main() {
    // Calling an async fn gives a future, not its output: error E0308.
    let number: u32 = answer();
    println!("{number}");
}
// ANCHOR_END: all
