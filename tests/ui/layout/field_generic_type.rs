use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    last: Option<u64>,
}

fn main() {}
