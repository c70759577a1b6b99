use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters {
    #[atomic(align = 48)]
    hits: u64,
}

fn main() {}
