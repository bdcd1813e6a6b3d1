use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread::{self, Thread};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

struct Runtime {
    run_queue: Mutex<VecDeque<Arc<Task>>>,
    thread: Thread,
}

// ANCHOR: task
struct Task {
    // Only the executor's thread ever polls, so a `RefCell` looks enough.
    future: RefCell<Option<BoxFuture>>,
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
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        let mut slot = self.future.borrow_mut();
        if let Some(future) = slot.as_mut()
            && future.as_mut().poll(&mut cx).is_ready()
        {
            *slot = None;
        }
    }
}
// ANCHOR_END: task

fn main() {
    let runtime = Arc::new(Runtime {
        run_queue: Mutex::new(VecDeque::new()),
        thread: thread::current(),
    });
    let task = Arc::new(Task {
        future: RefCell::new(Some(Box::pin(async { println!("hello") }))),
        runtime,
    });
    task.poll();
}
