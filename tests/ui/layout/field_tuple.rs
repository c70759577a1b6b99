use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    pair: (u8, u8),
}

fn main() {}
