use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters {
    #[atomic(align = 2)]
    hits: u64,
}

fn main() {}
