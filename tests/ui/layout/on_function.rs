use shm_atomics::atomic_layout;

#[atomic_layout]
fn counters() {}

fn main() {}
