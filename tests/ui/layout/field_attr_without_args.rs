use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters {
    #[atomic]
    hits: u64,
}

fn main() {}
