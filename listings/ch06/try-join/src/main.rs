use anyhow::{Result, bail};
use tokio::time::{Duration, Instant, sleep};

// ANCHOR: steps
async fn fetch_user(start: Instant) -> Result<String> {
    sleep(Duration::from_millis(100)).await;
    println!("  user loaded at {} ms", start.elapsed().as_millis());
    Ok("ferris".to_string())
}

async fn fetch_orders(start: Instant, service_up: bool) -> Result<u32> {
    sleep(Duration::from_millis(50)).await;
    if !service_up {
        bail!("order service unavailable");
    }
    println!("  orders loaded at {} ms", start.elapsed().as_millis());
    Ok(3)
}

async fn fetch_wishlist(start: Instant) -> Result<Vec<String>> {
    sleep(Duration::from_millis(300)).await;
    println!("  wishlist loaded at {} ms", start.elapsed().as_millis());
    Ok(vec!["crab plushie".to_string()])
}
// ANCHOR_END: steps

// ANCHOR: profile
async fn load_profile(service_up: bool) -> Result<String> {
    let start = Instant::now();
    let (user, orders, wishlist) = tokio::try_join!(
        fetch_user(start),
        fetch_orders(start, service_up),
        fetch_wishlist(start),
    )?;
    Ok(format!(
        "{user}: {orders} orders, {} wished",
        wishlist.len()
    ))
}
// ANCHOR_END: profile

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    for service_up in [true, false] {
        println!("order service up: {service_up}");
        let start = Instant::now();
        let profile = load_profile(service_up).await;
        let elapsed = start.elapsed().as_millis();
        match profile {
            Ok(profile) => println!("  {profile} (after {elapsed} ms)"),
            Err(error) => println!("  error: {error} (after {elapsed} ms)"),
        }
    }
    // Give the losers every chance to print, if they were still running.
    sleep(Duration::from_secs(1)).await;
    println!("done");
}
// ANCHOR_END: main
