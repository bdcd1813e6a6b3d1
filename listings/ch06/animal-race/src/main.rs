use tokio::sync::mpsc::{self, Receiver};
use tokio::time::{Duration, sleep};

// ANCHOR: race
#[derive(Debug, PartialEq)]
enum Animal {
    Cat { name: String },
    Dog { name: String },
}

async fn first_animal_to_finish_race(
    mut cat_rcv: Receiver<String>,
    mut dog_rcv: Receiver<String>,
) -> Option<Animal> {
    tokio::select! {
        // `recv()` gives `Option<String>`: `None` means the sender is gone.
        // The `?` returns `None` from the whole function in that case.
        cat_name = cat_rcv.recv() => Some(Animal::Cat { name: cat_name? }),
        dog_name = dog_rcv.recv() => Some(Animal::Dog { name: dog_name? }),
    }
}
// ANCHOR_END: race

// ANCHOR: main
/// Starts a race. `None` as a time means the runner gives up after 100 ms
/// and leaves without sending its name. The loser's `send` fails, because
/// the race is over and its receiver is gone: that is expected, so the
/// error is ignored (`let _ =`) rather than unwrapped.
async fn race(cat_ms: Option<u64>, dog_ms: Option<u64>) -> Option<Animal> {
    let (cat_sender, cat_receiver) = mpsc::channel(32);
    let (dog_sender, dog_receiver) = mpsc::channel(32);
    tokio::spawn(async move {
        sleep(Duration::from_millis(cat_ms.unwrap_or(100))).await;
        if cat_ms.is_some() {
            let _ = cat_sender.send(String::from("Felix")).await;
        }
    });
    tokio::spawn(async move {
        sleep(Duration::from_millis(dog_ms.unwrap_or(100))).await;
        if dog_ms.is_some() {
            let _ = dog_sender.send(String::from("Rex")).await;
        }
    });
    first_animal_to_finish_race(cat_receiver, dog_receiver).await
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let winner = race(Some(500), Some(300)).await;
    println!("cat 500 ms, dog 300 ms: winner is {winner:?}");

    let winner = race(Some(200), Some(400)).await;
    println!("cat 200 ms, dog 400 ms: winner is {winner:?}");

    let winner = race(None, Some(300)).await;
    println!("cat gives up, dog 300 ms: winner is {winner:?}");
}
// ANCHOR_END: main
