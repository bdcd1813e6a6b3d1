use runtime::{block_on, now, sleep, spawn};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

// ANCHOR: count-to
// Chapter 2's count_to, unchanged.
async fn count_to(count: u32) {
    for i in 1..=count {
        println!("Count is: {i}!");
    }
}

async fn async_main(count: u32) {
    count_to(count).await;
    println!("Done counting to {count}.");
}
// ANCHOR_END: count-to

// ANCHOR: worker
// Chapter 5's worker, unchanged: tokio's channels work on any executor,
// and `sleep` is now ours (see the `use` lines at the top).

/// A job for the worker: the input, and where to send the answer.
struct Work {
    input: u32,
    respond_on: oneshot::Sender<u32>,
}

async fn worker(mut work_queue: mpsc::Receiver<Work>) {
    let mut iterations = 0;
    // `None`: every sender is gone, and no work is left.
    while let Some(work) = work_queue.recv().await {
        sleep(Duration::from_millis(10)).await; // pretend to work
        // The requester may have given up; that is not our problem.
        let _ = work.respond_on.send(work.input * 1000);
        iterations += 1;
        println!("worker: iterations so far: {iterations}");
    }
    println!("worker: queue closed, stopping");
}

/// Sends one job to the worker and waits for its answer.
async fn do_work(work_queue: &mpsc::Sender<Work>, input: u32) -> u32 {
    let (respond_on, response) = oneshot::channel();
    work_queue
        .send(Work { input, respond_on })
        .await
        .expect("the worker has stopped");
    response.await.expect("the worker dropped the job")
}
// ANCHOR_END: worker

// ANCHOR: main
// Chapter 5's `main`, as an async fn: only `tokio::spawn` became `spawn`.
async fn worker_main() {
    let (work_queue, receiver) = mpsc::channel(10);
    let worker = spawn(worker(receiver));

    for i in 1..=3 {
        let response = do_work(&work_queue, i).await;
        println!("main: work result for {i}: {response}");
    }

    drop(work_queue);
    worker.await;
}

fn main() {
    block_on(async_main(3));
    let ms = block_on(async {
        worker_main().await;
        now().as_millis()
    });
    println!("the worker's runtime stopped at {ms} ms");
}
// ANCHOR_END: main

mod runtime {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, VecDeque};
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};
    use std::time::Duration;

    type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    /// What every task and every waker shares: the run queue, and the thread
    /// that runs it, so that a wake can unpark it.
    struct Runtime {
        run_queue: Mutex<VecDeque<Arc<Task>>>,
        thread: Thread,
        timers: Mutex<Timers>,
    }

    /// A spawned future, with a way back to the run queue.
    struct Task {
        /// `None` once the future has returned `Ready`.
        future: Mutex<Option<BoxFuture>>,
        runtime: Arc<Runtime>,
    }

    impl Wake for Task {
        fn wake(self: Arc<Self>) {
            let runtime = self.runtime.clone();
            runtime.run_queue.lock().unwrap().push_back(self);
            runtime.thread.unpark();
        }
    }

    impl Task {
        fn poll(self: Arc<Self>) {
            // The waker is the task itself: waking it queues it again.
            let waker = Waker::from(self.clone());
            let mut cx = Context::from_waker(&waker);
            let mut slot = self.future.lock().unwrap();
            if let Some(future) = slot.as_mut()
                && future.as_mut().poll(&mut cx).is_ready()
            {
                // Finished: drop the future, so that a late wake-up finds
                // nothing to poll.
                *slot = None;
            }
        }
    }

    /// Where a task leaves its output, and who is waiting for it.
    struct JoinState<T> {
        output: Option<T>,
        waker: Option<Waker>,
    }

    pub struct JoinHandle<T> {
        state: Arc<Mutex<JoinState<T>>>,
    }

    impl<T> Future for JoinHandle<T> {
        type Output = T;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
            let mut state = self.state.lock().unwrap();
            match state.output.take() {
                Some(output) => Poll::Ready(output),
                None => {
                    // Not finished: the task will wake us when it is.
                    state.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        }
    }

    thread_local! {
        /// The runtime that `block_on` is running on this thread, if any.
        static CURRENT: RefCell<Option<Arc<Runtime>>> =
            const { RefCell::new(None) };
    }

    fn current(what: &str) -> Arc<Runtime> {
        CURRENT
            .with_borrow(|current| current.clone())
            .unwrap_or_else(|| panic!("{what} called outside of block_on"))
    }

    pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let runtime = current("spawn");
        let state = Arc::new(Mutex::new(JoinState {
            output: None,
            waker: None,
        }));
        let task_state = state.clone();
        // The task runs the future, then hands its output to the handle.
        let task_future = async move {
            let output = future.await;
            let mut state = task_state.lock().unwrap();
            state.output = Some(output);
            if let Some(waker) = state.waker.take() {
                waker.wake();
            }
        };
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(task_future))),
            runtime: runtime.clone(),
        });
        runtime.run_queue.lock().unwrap().push_back(task);
        JoinHandle { state }
    }

    pub fn block_on<F>(future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let runtime = Arc::new(Runtime {
            run_queue: Mutex::new(VecDeque::new()),
            thread: thread::current(),
            timers: Mutex::new(Timers::default()),
        });
        CURRENT.set(Some(runtime.clone()));
        let main_task = spawn(future);
        let output = loop {
            if let Some(output) = main_task.state.lock().unwrap().output.take()
            {
                break output;
            }
            // A separate `let`, so that the lock is released here: in a `match`
            // (or `if let`) on the locked queue, it would still be held while
            // the task is polled, and a poll that wakes or spawns a task locks
            // the queue again.
            let next = runtime.run_queue.lock().unwrap().pop_front();
            if let Some(task) = next {
                task.poll();
                continue;
            }
            // No task is ready: the reactor's turn.
            let due = runtime.timers.lock().unwrap().fire_next();
            if due.is_empty() {
                // No timer either: sleep until a waker unparks this thread.
                thread::park();
            }
            for waker in due {
                waker.wake();
            }
        };
        CURRENT.set(None);
        // Each queued task, and each waker in the timer map, holds the runtime,
        // which holds them: a cycle of `Arc`s that nothing would free. Emptying
        // the queue and the map by hand breaks it and drops those tasks.
        let left = std::mem::take(&mut *runtime.run_queue.lock().unwrap());
        let timers =
            std::mem::take(&mut runtime.timers.lock().unwrap().waiting);
        drop((left, timers));
        output
    }

    /// The timer reactor: a virtual clock, and the wakers waiting for it,
    /// sorted by deadline (the id keeps two equal deadlines apart).
    #[derive(Default)]
    struct Timers {
        now: Duration,
        next_id: u64,
        waiting: BTreeMap<(Duration, u64), Waker>,
    }

    impl Timers {
        /// Moves the clock to the earliest deadline and returns the wakers
        /// that are due then (none if no timer is waiting).
        fn fire_next(&mut self) -> Vec<Waker> {
            let mut due = Vec::new();
            let Some(&(deadline, _)) = self.waiting.keys().next() else {
                return due;
            };
            self.now = deadline;
            while let Some(entry) = self.waiting.first_entry()
                && entry.key().0 <= self.now
            {
                due.push(entry.remove());
            }
            due
        }
    }

    /// A future that is ready once the clock has reached its deadline.
    pub struct Sleep {
        deadline: Duration,
        id: u64,
        runtime: Arc<Runtime>,
    }

    pub fn sleep(duration: Duration) -> Sleep {
        let runtime = current("sleep");
        let mut timers = runtime.timers.lock().unwrap();
        let deadline = timers.now + duration;
        let id = timers.next_id;
        timers.next_id += 1;
        drop(timers);
        Sleep {
            deadline,
            id,
            runtime,
        }
    }

    impl Future for Sleep {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut timers = self.runtime.timers.lock().unwrap();
            if timers.now >= self.deadline {
                return Poll::Ready(());
            }
            // Register, or replace the waker of an earlier poll.
            let key = (self.deadline, self.id);
            timers.waiting.insert(key, cx.waker().clone());
            Poll::Pending
        }
    }

    impl Drop for Sleep {
        fn drop(&mut self) {
            // A sleep dropped early (a lost race) leaves no timer behind.
            let key = (self.deadline, self.id);
            self.runtime.timers.lock().unwrap().waiting.remove(&key);
        }
    }

    /// The time on the runtime's clock, since `block_on` started.
    pub fn now() -> Duration {
        current("now").timers.lock().unwrap().now
    }
}
