use std::time::Duration;

use tokio::time::sleep;

// ANCHOR: main
/// A job's future: some jobs wait, some are ready at once. Different
/// futures have different types, so they are boxed behind one type.
fn job(n: u64) -> Box<dyn Future<Output = u64>> {
    if n.is_multiple_of(2) {
        Box::new(async move {
            sleep(Duration::from_millis(n)).await;
            n
        })
    } else {
        Box::new(std::future::ready(n))
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let jobs: Vec<_> = (1..=4).map(job).collect();
    let mut total = 0;
    for job in jobs {
        total += job.await;
    }
    println!("total: {total}");
}
// ANCHOR_END: main
