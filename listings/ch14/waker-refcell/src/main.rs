use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

// ANCHOR: task
struct Task {
    // Only the executor's thread ever polls, so a `RefCell` looks enough.
    future: RefCell<Option<BoxFuture>>,
    run_queue: Arc<Mutex<VecDeque<Arc<Task>>>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.run_queue.lock().unwrap().push_back(self.clone());
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
    let run_queue = Arc::new(Mutex::new(VecDeque::new()));
    let task = Arc::new(Task {
        future: RefCell::new(Some(Box::pin(async { println!("hello") }))),
        run_queue: run_queue.clone(),
    });
    task.poll();
}
