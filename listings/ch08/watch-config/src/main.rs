use std::time::Duration;
use tokio::sync::watch;
use tokio::time::sleep;

// ANCHOR: config
#[derive(Debug, Clone)]
struct Config {
    greeting: &'static str,
    max_body_kib: u32,
}
// ANCHOR_END: config

// ANCHOR: handler
/// Serves three requests, 100 ms apart, each with the configuration that
/// is current when it starts.
async fn handler(config: watch::Receiver<Config>) {
    for request in 1..=3 {
        // Clone it out: the borrow holds a read lock, so it must not live
        // across an `.await`, and the sender waits while it lives.
        let current = config.borrow().clone();
        println!(
            "request {request}: {} (body limit {} KiB)",
            current.greeting, current.max_body_kib
        );
        sleep(Duration::from_millis(100)).await;
    }
}
// ANCHOR_END: handler

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let initial = Config {
        greeting: "hello",
        max_body_kib: 64,
    };
    let (config, receiver) = watch::channel(initial);
    drop(receiver); // no handler is running yet

    // A reload before any handler exists: `send` refuses, and keeps the
    // old value; `send_replace` stores the new one and returns the old.
    let reloaded = Config {
        greeting: "hi",
        max_body_kib: 128,
    };
    match config.send(reloaded.clone()) {
        Ok(()) => println!("send: stored"),
        Err(err) => println!("send: {err}; current is {:?}", *config.borrow()),
    }
    let old = config.send_replace(reloaded);
    println!("send_replace: replaced {old:?}");
    println!("current is {:?}", *config.borrow());

    // Each handler subscribes, and sees the changes made after that.
    let handler = tokio::spawn(handler(config.subscribe()));
    sleep(Duration::from_millis(150)).await;
    config.send_modify(|c| c.greeting = "good evening");
    handler.await.unwrap();
}
// ANCHOR_END: main
