use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

const TASKS: u64 = 4;
const PER_TASK: u64 = 100_000;
const KEYS: u64 = 1_000;
const SHARDS: usize = 16;

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

    /// Adds one to `key`'s count; returns how long it waited for the lock.
    fn increment(&self, key: u64) -> Duration {
        let (mut shard, waited) = lock_timed(self.shard(key));
        *shard.entry(key).or_insert(0) += 1;
        waited
    }

    fn total(&self) -> u64 {
        let shards = self.shards.iter();
        shards
            .map(|s| s.lock().unwrap().values().sum::<u64>())
            .sum()
    }
}
// ANCHOR_END: map

// ANCHOR: lock-timed
/// Locks `mutex`, and measures how long that took if another thread held
/// it (`try_lock` fails with `WouldBlock` then).
fn lock_timed<T>(mutex: &Mutex<T>) -> (MutexGuard<'_, T>, Duration) {
    match mutex.try_lock() {
        Ok(guard) => (guard, Duration::ZERO),
        Err(TryLockError::WouldBlock) => {
            let start = Instant::now();
            let guard = mutex.lock().unwrap();
            (guard, start.elapsed())
        }
        Err(TryLockError::Poisoned(err)) => panic!("{err}"),
    }
}
// ANCHOR_END: lock-timed

// ANCHOR: main
/// Runs `TASKS` tasks that each add one to `PER_TASK` keys; returns how
/// long that took, and the time the tasks spent waiting for locks.
async fn hammer(counts: Arc<Counts>) -> (Duration, Duration) {
    let start = Instant::now();
    let mut handles = Vec::new();
    for task in 0..TASKS {
        let counts = Arc::clone(&counts);
        handles.push(tokio::spawn(async move {
            let mut waited = Duration::ZERO;
            for i in 0..PER_TASK {
                let key = (i * 7_919 + task * 104_729) % KEYS;
                waited += counts.increment(key);
                if i % 1_000 == 0 {
                    tokio::task::yield_now().await; // let others run
                }
            }
            waited
        }));
    }
    let mut waited = Duration::ZERO;
    for handle in handles {
        waited += handle.await.unwrap();
    }
    (start.elapsed(), waited)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    println!("{TASKS} tasks on 4 threads, {PER_TASK} increments each:");
    for shards in [1, SHARDS] {
        let counts = Arc::new(Counts::new(shards));
        let (took, waited) = hammer(Arc::clone(&counts)).await;
        let (took, waited) = (took.as_millis(), waited.as_millis());
        println!(
            "  {shards:>2} lock(s): done in {took:>5} ms, \
             waited {waited:>5} ms for locks"
        );
        assert_eq!(counts.total(), TASKS * PER_TASK);
    }
    println!("both maps counted all {} increments", TASKS * PER_TASK);
}
// ANCHOR_END: main
