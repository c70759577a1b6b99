use atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    hits: atomics::Atomic<u64>,
}

fn main() {}
