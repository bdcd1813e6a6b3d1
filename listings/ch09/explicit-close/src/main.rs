use std::time::Duration;

// ANCHOR: all
struct Connection {
    name: &'static str,
    unsent: Vec<String>,
}

impl Connection {
    async fn flush(&mut self) {
        // Stands in for a network write.
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{}: flushed {} messages", self.name, self.unsent.len());
        self.unsent.clear();
    }

    // ANCHOR: close
    /// Sends what is left and closes the connection. It takes `self`,
    /// so the connection cannot be used afterwards.
    async fn close(mut self) {
        self.flush().await;
        println!("{}: closed", self.name);
    }
    // ANCHOR_END: close
}

// ANCHOR: drop
impl Drop for Connection {
    fn drop(&mut self) {
        // The last line of defense: no `.await` here, only a warning.
        if !self.unsent.is_empty() {
            println!(
                "{}: dropped with {} unsent messages",
                self.name,
                self.unsent.len()
            );
        }
    }
}
// ANCHOR_END: drop

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let mut first = Connection {
        name: "first",
        unsent: Vec::new(),
    };
    first.unsent.push("hello".to_string());
    first.close().await;

    let mut second = Connection {
        name: "second",
        unsent: Vec::new(),
    };
    second.unsent.push("forgotten".to_string());
    println!("leaving main without closing the second connection");
}
// ANCHOR_END: all
