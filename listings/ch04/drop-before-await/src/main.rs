use std::rc::Rc;
use std::time::Duration;

// ANCHOR: all
/// A ticket that must stay on the thread that made it: it holds an `Rc`,
/// so it is not `Send`.
struct Ticket {
    number: u32,
    _office: Rc<String>,
}

#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        let ticket = Ticket {
            number: 7,
            _office: Rc::new(String::from("main office")),
        };
        let number = ticket.number; // copies a field: no borrow of `ticket`
        drop(ticket); // moved away before the `.await`, never borrowed
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("served ticket {number}");
    });

    handle.await.unwrap();
}
// ANCHOR_END: all
