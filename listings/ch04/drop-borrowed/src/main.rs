use std::rc::Rc;
use std::time::Duration;

// ANCHOR: all
#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        let greeting = Rc::new(String::from("hello"));
        println!("{greeting}"); // `println!` borrows `greeting`
        drop(greeting); // too late: a borrowed local is kept to scope end
        tokio::time::sleep(Duration::from_millis(10)).await;
    });

    handle.await.unwrap();
}
// ANCHOR_END: all
