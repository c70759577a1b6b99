use shm_atomics::atomic_layout;

#[atomic_layout(align = 1073741824)]
struct Counters {
    hits: u64,
}

fn main() {}
