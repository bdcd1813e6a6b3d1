use std::time::Duration;

// ANCHOR: all
/// A connection that buffers what you write and must send it before
/// it goes away.
struct Connection {
    unsent: Vec<String>,
}

impl Connection {
    async fn flush(&mut self) {
        // Stands in for a network write.
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("flushed {} messages", self.unsent.len());
        self.unsent.clear();
    }
}

// ANCHOR: drop
impl Drop for Connection {
    fn drop(&mut self) {
        // `drop` is not async, so it cannot `.await` the flush. Waiting
        // for it here with `block_on` looks like a way out.
        let runtime = tokio::runtime::Handle::current();
        runtime.block_on(self.flush());
    }
}
// ANCHOR_END: drop

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let mut connection = Connection { unsent: Vec::new() };
    connection.unsent.push("hello".to_string());
    println!("leaving main");
}
// ANCHOR_END: all
