use std::thread;

// ANCHOR: all
fn main() {
    // The same stand-in for a machine out of threads as before.
    // SAFETY: no other thread exists yet that could read the environment.
    unsafe { std::env::set_var("RUST_MIN_STACK", "140737488355328") };

    let mut handles = Vec::new();
    let mut done_here = Vec::new();
    for job in 0..3 {
        println!("starting a thread for job {job}");
        // `Builder::spawn` hands the refusal back as an `io::Error`.
        match thread::Builder::new().spawn(move || job * 10) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                println!("  refused ({err}): running it on this thread");
                done_here.push(job * 10);
            }
        }
    }
    for handle in handles {
        println!("result: {}", handle.join().unwrap());
    }
    for result in done_here {
        println!("result: {result}");
    }
}
// ANCHOR_END: all
