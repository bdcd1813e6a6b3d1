use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

// ANCHOR: all
/// Counts the names; the future owns its `Arc`, so it borrows nothing.
async fn count_names(names: Arc<Vec<String>>) -> usize {
    tokio::task::yield_now().await;
    names.len()
}

#[tokio::main]
async fn main() {
    // Fix for the borrow: the task gets its own handle to the data.
    // ANCHOR: spawn-join
    let names = Arc::new(vec![String::from("ada"), String::from("grace")]);
    let task_names = Arc::clone(&names);
    let handle = tokio::spawn(async move {
        println!("the task sees {} names", task_names.len());
    });
    handle.await.unwrap();
    println!("main still has {names:?}");
    // ANCHOR_END: spawn-join

    // Fix for the reference argument: the `async fn` takes an `Arc`.
    let handle = tokio::spawn(count_names(Arc::clone(&names)));
    println!("the task counted {} names", handle.await.unwrap());

    // Fix for the held `Rc`: end its scope before the task waits.
    let handle = tokio::spawn(async {
        {
            let greeting = Rc::new(String::from("hello"));
            println!("{greeting}");
        } // `greeting` is gone here, before the `.await`
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
    handle.await.unwrap();
}
// ANCHOR_END: all
