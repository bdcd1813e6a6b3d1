use std::time::Duration;

// ANCHOR: countdown
/// Counts down from `from` to 1, one line per number and one second
/// between lines, then returns the lines with "Liftoff!" at the end:
/// `countdown(3).await` gives ["3", "2", "1", "Liftoff!"] after 3 seconds.
async fn countdown(from: u32) -> Vec<String> {
    let mut lines = Vec::new();
    for n in (1..=from).rev() {
        lines.push(n.to_string());
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    lines.push("Liftoff!".to_string());
    lines
}
// ANCHOR_END: countdown

#[tokio::main]
async fn main() {
    for line in countdown(3).await {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn counts_down_from_three() {
        assert_eq!(countdown(3).await, ["3", "2", "1", "Liftoff!"]);
    }

    #[tokio::test(start_paused = true)]
    async fn takes_one_second_per_number() {
        let start = Instant::now();
        countdown(5).await;
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn from_zero_lifts_off_at_once() {
        let start = Instant::now();
        assert_eq!(countdown(0).await, ["Liftoff!"]);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
