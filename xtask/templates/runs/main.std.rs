// ANCHOR: all
fn main() {
    println!("hello");
}
// ANCHOR_END: all
