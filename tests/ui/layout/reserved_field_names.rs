use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    snapshot: u64,
    new: u32,
}

fn main() {}
