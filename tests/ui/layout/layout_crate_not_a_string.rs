use shm_atomics::atomic_layout;

#[atomic_layout(crate = shm_atomics)]
struct Counters {
    hits: u64,
}

fn main() {}
