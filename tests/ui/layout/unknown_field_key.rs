use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters {
    #[atomic(offset = 8)]
    hits: u64,
}

fn main() {}
