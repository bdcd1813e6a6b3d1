// ANCHOR: all
/// Returns the numbers from `n` down to 1.
pub fn countdown(n: u32) -> Vec<u32> {
    // Your code here: make the test below pass.
    todo!("count down from {n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_from_three() {
        assert_eq!(countdown(3), vec![3, 2, 1]);
    }
}
// ANCHOR_END: all
