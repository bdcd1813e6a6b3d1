// ANCHOR: visit
/// Calls `visit` for each city, one after the other.
async fn visit_all(cities: &[&str], mut visit: impl AsyncFnMut(String)) {
    for city in cities {
        visit(city.to_string()).await;
    }
}
// ANCHOR_END: visit

// ANCHOR: count
/// Counts the cities for which `check` says yes, checking them all at once.
/// The calls overlap, so each one has `check` only through `&`: `AsyncFn`.
async fn count_where(
    cities: &[&str],
    check: impl AsyncFn(&str) -> bool,
) -> usize {
    let checks = cities.iter().map(|city| check(city));
    let answers = futures::future::join_all(checks).await;
    answers.into_iter().filter(|&yes| yes).count()
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
        println!("  checking {city}");
        tokio::task::yield_now().await;
        println!("  {city} checked");
        city.contains(letter)
    })
    .await;
    println!("cities with {letter:?}: {with_letter}");
}
// ANCHOR_END: main
