// ANCHOR: all
use std::time::Duration;
use tokio::time::sleep;

// Prints when it is dropped, so we can see when the task's state goes away.
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("{}: dropped", self.0);
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    tokio::spawn(async {
        let _guard = Noisy("backup task");
        println!("backup task: started, this takes 10 s");
        sleep(Duration::from_secs(10)).await;
        println!("backup task: finished"); // never printed
    });

    sleep(Duration::from_secs(1)).await;
    println!("main: returning after 1 s");
}
// ANCHOR_END: all
