use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    hits: shm_atomics::Atomic<u64>,
}

fn main() {}
