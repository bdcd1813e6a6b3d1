// ANCHOR: all
use futures::executor::block_on;

async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
    }
}

async fn async_main(count: u32) {
    count_to(count).await;
}

fn main() {
    block_on(async_main(3));
}
// ANCHOR_END: all
