// ANCHOR: all
use std::rc::Rc;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        let greeting = Rc::new(String::from("hello"));
        // The task keeps `greeting` alive while it waits here.
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{greeting}");
    });

    handle.await.unwrap();
}
// ANCHOR_END: all
