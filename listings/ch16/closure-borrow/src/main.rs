// ANCHOR: all
/// Calls `visit` for each city, one after the other.
async fn visit_all<F, Fut>(cities: &[&str], mut visit: F)
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = ()>,
{
    for city in cities {
        visit(city.to_string()).await;
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut visited = Vec::new();
    visit_all(&["Oslo", "Lima", "Pune"], |city| async {
        tokio::task::yield_now().await;
        visited.push(city);
    })
    .await;
    println!("{visited:?}");
}
// ANCHOR_END: all
