use shm_atomics::atomic_layout;

#[atomic_layout(packed = 4)]
struct Counters {
    hits: u64,
}

fn main() {}
