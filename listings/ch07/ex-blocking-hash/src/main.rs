// ANCHOR: all
use std::time::Duration;

/// A checksum that takes a long time to compute, like a real hash of a big
/// file would. (The sleep stands in for the CPU time.) Do not change it.
fn slow_checksum(data: &[u8]) -> u64 {
    std::thread::sleep(Duration::from_millis(500));
    data.iter().fold(17, |sum, &byte| {
        sum.wrapping_mul(31).wrapping_add(u64::from(byte))
    })
}

/// Computes the checksum of `data`. It works, but it blocks the thread
/// that runs it: make it hand `slow_checksum` to tokio's blocking pool.
async fn checksum(data: Vec<u8>) -> u64 {
    slow_checksum(&data)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sum = checksum(b"hello, async world".to_vec()).await;
    println!("checksum: {sum:x}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn computes_the_checksum() {
        let data = b"ferris".to_vec();
        assert_eq!(checksum(data.clone()).await, slow_checksum(&data));
    }

    // `#[tokio::test]` runs on a current_thread runtime: one thread for
    // every task, as in the chapter.
    #[tokio::test]
    async fn other_tasks_keep_running_meanwhile() {
        let start = Instant::now();
        let other_task = tokio::spawn(async move { start.elapsed() });

        checksum(vec![1, 2, 3]).await;

        let ran_after = other_task.await.unwrap();
        // Blocked, it would wait the full 500 ms of the checksum.
        assert!(
            ran_after < Duration::from_millis(250),
            "the other task had to wait {ran_after:?} for the checksum"
        );
    }

    #[tokio::test]
    async fn checksums_run_in_parallel() {
        let start = Instant::now();
        tokio::join!(
            checksum(vec![1]),
            checksum(vec![2]),
            checksum(vec![3]),
            checksum(vec![4]),
        );
        // Four checksums of 500 ms each, one after the other, take 2 s.
        let took = start.elapsed();
        assert!(took < Duration::from_millis(1500), "took {took:?}");
    }
}
// ANCHOR_END: all
