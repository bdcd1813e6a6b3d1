use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use tokio::sync::oneshot;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What every task and every waker shares: the run queue, and the thread
/// that runs it, so that a wake can unpark it.
struct Runtime {
    run_queue: Mutex<VecDeque<Arc<Task>>>,
    thread: Thread,
}

// ANCHOR: poll
/// A spawned future, with a way back to the run queue.
struct Task {
    // The future stays here after `Ready`: there is no `Option`.
    future: Mutex<BoxFuture>,
    runtime: Arc<Runtime>,
}

impl Task {
    fn poll(self: Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        // Polls the future it holds, even one that has finished.
        let _ = self.future.lock().unwrap().as_mut().poll(&mut cx);
    }
}
// ANCHOR_END: poll

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        let runtime = self.runtime.clone();
        runtime.run_queue.lock().unwrap().push_back(self);
        runtime.thread.unpark();
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
        future: Mutex::new(Box::pin(task_future)),
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
        if let Some(output) = main_task.state.lock().unwrap().output.take() {
            break output;
        }
        // A separate `let`, so that the lock is released here: in a `match` (or
        // `if let`) on the locked queue, it would still be held while the task
        // is polled, and a poll that wakes or spawns a task locks the queue
        // again.
        let next = runtime.run_queue.lock().unwrap().pop_front();
        match next {
            Some(task) => task.poll(),
            // Nothing to do: sleep until a waker unparks this thread.
            None => thread::park(),
        }
    };
    CURRENT.set(None);
    // Each queued task holds the runtime, and the runtime holds the queue: a
    // cycle of `Arc`s that nothing would free. Emptying the queue by hand
    // breaks it and drops those tasks.
    let left = std::mem::take(&mut *runtime.run_queue.lock().unwrap());
    drop(left);
    output
}

/// Returns `Pending` once, after queuing its task again: other tasks that
/// are ready run first.
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

// ANCHOR: main
fn main() {
    block_on(async {
        let (tx1, rx1) = oneshot::channel();
        let (tx2, rx2) = oneshot::channel();
        let both = spawn(async move {
            let (a, b) = tokio::join!(rx1, rx2);
            println!("both: got {} and {}", a.unwrap(), b.unwrap());
        });
        yield_now().await; // `both` runs, and waits on both channels
        tx1.send(1).unwrap(); // wakes `both`: it goes in the queue
        tx2.send(2).unwrap(); // wakes it again: it is in the queue twice
        both.await;
        println!("main: done");
    });
}
// ANCHOR_END: main
