use shm_atomics::atomic_layout;

#[atomic_layout(align = 12)]
struct Counters {
    hits: u64,
}

fn main() {}
