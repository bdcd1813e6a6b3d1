use tokio::sync::mpsc::{self, Receiver};

#[derive(Debug, PartialEq)]
enum Animal {
    Cat { name: String },
    Dog { name: String },
}

// ANCHOR: race
/// Waits for the first animal that really finishes. A runner who leaves
/// without a name (`None`) no longer ends the race: its pattern does not
/// match, so select! disables that branch and waits for the other one.
async fn first_animal_to_finish_race(
    mut cat_rcv: Receiver<String>,
    mut dog_rcv: Receiver<String>,
) -> Animal {
    tokio::select! {
        Some(name) = cat_rcv.recv() => Animal::Cat { name },
        Some(name) = dog_rcv.recv() => Animal::Dog { name },
    }
}
// ANCHOR_END: race

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let (cat_sender, cat_receiver) = mpsc::channel::<String>(32);
    let (dog_sender, dog_receiver) = mpsc::channel::<String>(32);
    // Both runners leave before the start.
    drop(cat_sender);
    drop(dog_sender);
    println!("starting a race nobody runs");
    let winner = first_animal_to_finish_race(cat_receiver, dog_receiver).await;
    println!("winner is {winner:?}");
}
// ANCHOR_END: main
