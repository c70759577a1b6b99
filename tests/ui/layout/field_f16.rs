use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    ratio: f16,
}

fn main() {}
