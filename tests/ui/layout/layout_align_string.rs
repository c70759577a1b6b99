use shm_atomics::atomic_layout;

#[atomic_layout(align = "x")]
struct Counters {
    hits: u64,
}

fn main() {}
