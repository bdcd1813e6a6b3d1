use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::mpsc;

// ANCHOR: race
/// Receives everything from a channel whose messages are all there
/// already: every `recv` is ready at once.
async fn drain(mut rx: mpsc::UnboundedReceiver<u32>, seen: Arc<AtomicUsize>) {
    while rx.recv().await.is_some() {
        seen.fetch_add(1, Ordering::Relaxed);
    }
}

/// Sets up the race: returns the draining task's future, and the
/// future of a second task that looks how far the first one got.
fn race() -> (impl Future<Output = ()>, impl Future<Output = usize>) {
    let (tx, rx) = mpsc::unbounded_channel();
    for i in 0..1000 {
        tx.send(i).unwrap();
    }
    drop(tx);
    let seen = Arc::new(AtomicUsize::new(0));
    let peek = {
        let seen = seen.clone();
        async move { seen.load(Ordering::Relaxed) }
    };
    (drain(rx, seen), peek)
}
// ANCHOR_END: race

// ANCHOR: main
fn main() {
    let seen_on_mini = mini::block_on(async {
        let (drain, peek) = race();
        let drainer = mini::spawn(drain);
        let peeker = mini::spawn(peek);
        drainer.await;
        peeker.await
    });
    println!("mini runtime: the second task saw {seen_on_mini} received");

    let tokio = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let seen_on_tokio = tokio.block_on(async {
        let (drain, peek) = race();
        let drainer = tokio::spawn(drain);
        let peeker = tokio::spawn(peek);
        drainer.await.unwrap();
        peeker.await.unwrap()
    });
    println!("tokio:        the second task saw {seen_on_tokio} received");
}
// ANCHOR_END: main

/// The runtime of this chapter, as built so far.
mod mini {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};

    type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    /// What every task and every waker shares: the run queue, and the thread
    /// that runs it, so that a wake can unpark it.
    struct Runtime {
        run_queue: Mutex<VecDeque<Arc<Task>>>,
        thread: Thread,
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

    pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let runtime = CURRENT
            .with_borrow(|current| current.clone())
            .expect("spawn called outside of block_on");
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
            match next {
                Some(task) => task.poll(),
                // Nothing to do: sleep until a waker unparks this thread.
                None => thread::park(),
            }
        };
        CURRENT.set(None);
        // Each queued task holds the runtime, and the runtime holds the queue:
        // a cycle of `Arc`s that nothing would free. Emptying the queue by hand
        // breaks it and drops those tasks.
        let left = std::mem::take(&mut *runtime.run_queue.lock().unwrap());
        drop(left);
        output
    }
}
