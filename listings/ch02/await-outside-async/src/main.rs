// ANCHOR: all
async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
    }
}

fn main() {
    count_to(3).await;
}
// ANCHOR_END: all
