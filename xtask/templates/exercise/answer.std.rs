    (1..=n).rev().collect()
