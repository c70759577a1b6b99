use atomics::atomic_layout;

#[atomic_layout(crate = atomics)]
struct Counters {
    hits: u64,
}

fn main() {}
