// ANCHOR: visit
/// Calls `visit` for each city, one after the other.
async fn visit_all(cities: &[&str], mut visit: impl AsyncFnMut(String)) {
    for city in cities {
        visit(city.to_string()).await;
    }
}
// ANCHOR_END: visit

// ANCHOR: count
/// Counts the cities for which `check` says yes. `check` borrows its
/// argument, and only needs `&self`: an `AsyncFn`.
async fn count_where(
    cities: &[&str],
    check: impl AsyncFn(&str) -> bool,
) -> usize {
    let mut count = 0;
    for city in cities {
        if check(city).await {
            count += 1;
        }
    }
    count
}
// ANCHOR_END: count

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cities = ["Oslo", "Lima", "Pune"];

    let mut visited = Vec::new();
    visit_all(&cities, async |city| {
        tokio::task::yield_now().await;
        visited.push(city);
    })
    .await;
    println!("{visited:?}");

    let letter = 'u';
    let with_letter = count_where(&cities, async |city| {
        tokio::task::yield_now().await;
        city.contains(letter)
    })
    .await;
    println!("cities with {letter:?}: {with_letter}");
}
// ANCHOR_END: main
