use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

// ANCHOR: state
/// A future that becomes ready once `duration` has passed.
struct Timer {
    duration: Duration,
    /// Shared with the thread that does the waiting; `None` until the
    /// first poll starts that thread.
    shared: Option<Arc<Mutex<Shared>>>,
    polls: u32,
}

struct Shared {
    done: bool,
    /// The waker of the latest poll: whom to tell when we are done.
    waker: Waker,
}

impl Timer {
    fn new(duration: Duration) -> Timer {
        Timer {
            duration,
            shared: None,
            polls: 0,
        }
    }
}
// ANCHOR_END: state

// ANCHOR: poll
impl Future for Timer {
    type Output = u32; // how many times we were polled

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        let polls = self.polls;
        match &self.shared {
            None => {
                // First poll: start the waiting, keep the waker, say "not yet".
                println!("poll {polls}: starting a thread to wait, Pending");
                let shared = Arc::new(Mutex::new(Shared {
                    done: false,
                    waker: cx.waker().clone(),
                }));
                let duration = self.duration;
                let theirs = Arc::clone(&shared);
                thread::spawn(move || {
                    thread::sleep(duration);
                    let mut shared = theirs.lock().unwrap();
                    shared.done = true;
                    println!("timer thread: time is up, calling wake()");
                    shared.waker.wake_by_ref();
                });
                self.shared = Some(shared);
                Poll::Pending
            }
            Some(shared) => {
                let mut shared = shared.lock().unwrap();
                if shared.done {
                    println!("poll {polls}: done, Ready");
                    Poll::Ready(polls)
                } else {
                    // Polled early (someone else woke us): keep the newest
                    // waker, as the task may have moved to another one.
                    println!("poll {polls}: not yet, Pending");
                    shared.waker.clone_from(cx.waker());
                    Poll::Pending
                }
            }
        }
    }
}
// ANCHOR_END: poll

// ANCHOR: main
fn main() {
    let timer = Timer::new(Duration::from_millis(200));
    // block_on polls the future, and between polls it puts the thread to
    // sleep until the future's waker is called.
    let polls = futures::executor::block_on(timer);
    println!("the timer was polled {polls} times");
}
// ANCHOR_END: main
