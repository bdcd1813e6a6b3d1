// ANCHOR: all
/// Adds two numbers, as slowly as an async function may.
pub async fn add(a: u32, b: u32) -> u32 {
    tokio::task::yield_now().await;
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn adds() {
        assert_eq!(add(2, 3).await, 5);
    }
}
// ANCHOR_END: all
