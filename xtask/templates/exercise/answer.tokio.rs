    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
    let mut numbers = Vec::new();
    for number in (1..=n).rev() {
        ticks.tick().await;
        numbers.push(number);
    }
    numbers
