// ANCHOR: all
/// Counts the names; a reference parameter is enough for that.
async fn count_names(names: &[String]) -> usize {
    tokio::task::yield_now().await;
    names.len()
}

#[tokio::main]
async fn main() {
    let names = vec![String::from("ada"), String::from("grace")];

    // The future of `count_names` holds `&names`.
    let handle = tokio::spawn(count_names(&names));

    println!("the task counted {} names", handle.await.unwrap());
}
// ANCHOR_END: all
