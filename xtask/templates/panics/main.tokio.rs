// ANCHOR: all
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let results: Vec<u32> = Vec::new();
    println!("{} results", results.len());
    let first = results.first().expect("there is no first result");
    println!("the first is {first}");
}
// ANCHOR_END: all
