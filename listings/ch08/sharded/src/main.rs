use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::{Instant, sleep};

/// Tasks, each updating its own key once.
const TASKS: u64 = 64;
/// How long an update holds its shard's lock.
const HOLD: Duration = Duration::from_millis(10);

// ANCHOR: map
/// A counter per key, split into shards: each key lives in one shard, and
/// each shard has its own lock. With one shard, this is a plain
/// `Mutex<HashMap>`.
struct Counts {
    shards: Vec<Mutex<HashMap<u64, u64>>>,
}

impl Counts {
    fn new(shards: usize) -> Counts {
        let shards = (0..shards).map(|_| Mutex::default()).collect();
        Counts { shards }
    }

    fn shard(&self, key: u64) -> &Mutex<HashMap<u64, u64>> {
        // These keys are spread evenly already; other keys (strings, say)
        // would be hashed first, with `std::hash::DefaultHasher`.
        &self.shards[key as usize % self.shards.len()]
    }

    /// Adds one to `key`'s count, holding the shard's lock for `HOLD` (a
    /// slow update, played by a `sleep`). Returns how long it waited for
    /// the lock.
    async fn increment(&self, key: u64) -> Duration {
        let asked = Instant::now();
        let mut shard = self.shard(key).lock().await;
        let waited = asked.elapsed();
        *shard.entry(key).or_insert(0) += 1;
        sleep(HOLD).await;
        waited
    }

    /// Needs the whole map: locks every shard in turn.
    async fn total(&self) -> u64 {
        let mut total = 0;
        for shard in &self.shards {
            total += shard.lock().await.values().sum::<u64>();
        }
        total
    }
}
// ANCHOR_END: map

// ANCHOR: main
/// Runs `TASKS` tasks at once, one key each; returns how long they took,
/// and the time they spent waiting for locks, added up.
async fn run(counts: Arc<Counts>) -> (Duration, Duration) {
    let start = Instant::now();
    let mut handles = Vec::new();
    for key in 0..TASKS {
        let counts = Arc::clone(&counts);
        handles.push(tokio::spawn(async move { counts.increment(key).await }));
    }
    let mut waited = Duration::ZERO;
    for handle in handles {
        waited += handle.await.unwrap();
    }
    (start.elapsed(), waited)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("{TASKS} updates, each holding a lock for {HOLD:?}:");
    for shards in [1, 16] {
        let counts = Arc::new(Counts::new(shards));
        let (took, waited) = run(Arc::clone(&counts)).await;
        let (took, waited) = (took.as_millis(), waited.as_millis());
        println!(
            "  {shards:>2} lock(s): done in {took:>4} ms, \
             waited {waited:>5} ms for locks in all"
        );
        assert_eq!(counts.total().await, TASKS);
    }
}
// ANCHOR_END: main
