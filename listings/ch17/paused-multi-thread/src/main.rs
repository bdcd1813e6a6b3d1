// ANCHOR: all
#[tokio::test(flavor = "multi_thread", start_paused = true)]
async fn a_day_passes_in_no_time() {
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    let start = Instant::now();
    sleep(Duration::from_secs(24 * 60 * 60)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(24 * 60 * 60));
}
// ANCHOR_END: all

fn main() {}
