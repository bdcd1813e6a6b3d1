// ANCHOR: all
/// How many bytes of a message a handler looks at.
pub const BUFFER_SIZE: usize = 8 * 1024;

/// Copies the start of a message into a buffer, adds up its bytes, then
/// waits (for the peer to take the answer, say) before it answers.
pub async fn handle(message: Vec<u8>) -> u64 {
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = message.len().min(BUFFER_SIZE);
    buffer[..n].copy_from_slice(&message[..n]);
    let sum = buffer[..n].iter().map(|&byte| u64::from(byte)).sum();
    tokio::task::yield_now().await;
    sum
}

// ANCHOR: solution
/// Does what `handle` does, in the same order, with a future of at most
/// 128 bytes.
pub async fn handle_small(message: Vec<u8>) -> u64 {
    // The buffer lives in this block, and the block ends before the
    // `.await`: only `sum` is still in scope there.
    let sum = {
        let mut buffer = [0u8; BUFFER_SIZE];
        let n = message.len().min(BUFFER_SIZE);
        buffer[..n].copy_from_slice(&message[..n]);
        buffer[..n].iter().map(|&byte| u64::from(byte)).sum()
    };
    tokio::task::yield_now().await;
    sum
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of_val;

    #[test]
    fn the_first_handler_keeps_its_buffer() {
        let future = handle(vec![1, 2, 3]);
        assert!(size_of_val(&future) > BUFFER_SIZE);
    }

    #[test]
    fn the_small_handler_is_small() {
        let future = handle_small(vec![1, 2, 3]);
        let size = size_of_val(&future);
        assert!(size <= 128, "the future is {size} bytes");
    }

    #[tokio::test]
    async fn both_handlers_give_the_same_answer() {
        let long: Vec<u8> = (0..10_000).map(|i| (i % 251) as u8).collect();
        for input in [vec![], vec![1, 2, 3], long] {
            let expected = handle(input.clone()).await;
            assert_eq!(handle_small(input).await, expected);
        }
    }
}
// ANCHOR_END: all
