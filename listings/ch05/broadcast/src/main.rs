// ANCHOR: all
use tokio::sync::broadcast::{self, error::RecvError};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The channel keeps the last 4 messages for receivers that are behind.
    let (sender, mut fast) = broadcast::channel::<u32>(4);
    let mut slow = sender.subscribe();

    for n in 1..=6 {
        let receivers = sender.send(n).expect("no receiver left");
        let got = fast.recv().await.expect("the channel closed");
        println!("sent {n} to {receivers} receivers; fast got {got}");
    }
    drop(sender);

    // `slow` has not read anything yet, and 6 messages did not fit in 4.
    loop {
        match slow.recv().await {
            Ok(n) => println!("slow got {n}"),
            Err(RecvError::Lagged(missed)) => {
                println!("slow lagged behind: {missed} messages lost")
            }
            Err(RecvError::Closed) => {
                println!("slow: channel closed");
                break;
            }
        }
    }
}
// ANCHOR_END: all
