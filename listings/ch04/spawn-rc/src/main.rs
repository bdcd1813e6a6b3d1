use std::rc::Rc;
use std::time::Duration;

// ANCHOR: all
#[tokio::main]
async fn main() {
    // The task keeps an `Rc` alive while it waits.
    let handle = tokio::spawn(async {
        let greeting = Rc::new(String::from("hello"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{greeting}");
    });
    handle.await.unwrap();

    println!("{}", spawn_and_return().await);
}

// The task's result is an `Rc`.
async fn spawn_and_return() -> Rc<String> {
    let handle = tokio::spawn(async { Rc::new(String::from("world")) });
    handle.await.unwrap()
}
// ANCHOR_END: all
