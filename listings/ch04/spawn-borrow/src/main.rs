// ANCHOR: all
#[tokio::main]
async fn main() {
    let names = vec![String::from("ada"), String::from("grace")];

    // The task borrows `names`, which lives on `main`'s stack.
    let handle = tokio::spawn(async {
        println!("the task sees {} names", names.len());
    });

    handle.await.unwrap();
    println!("main still has {names:?}");
}
// ANCHOR_END: all
