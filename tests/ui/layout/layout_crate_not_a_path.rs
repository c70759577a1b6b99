use shm_atomics::atomic_layout;

#[atomic_layout(crate = "not a path")]
struct Counters {
    hits: u64,
}

fn main() {}
