use std::thread;

// ANCHOR: all
fn main() {
    // Stands in for a machine out of threads: every thread now asks for a
    // 128 TiB stack, all the address space a process usually has on x86-64,
    // so the system refuses to create it.
    // SAFETY: no other thread exists yet that could read the environment.
    unsafe { std::env::set_var("RUST_MIN_STACK", "140737488355328") };

    let mut handles = Vec::new();
    for job in 0..3 {
        println!("starting a thread for job {job}");
        handles.push(thread::spawn(move || job * 10));
    }
    for handle in handles {
        println!("result: {}", handle.join().unwrap());
    }
}
// ANCHOR_END: all
