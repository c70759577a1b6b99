use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    len: usize,
}

fn main() {}
