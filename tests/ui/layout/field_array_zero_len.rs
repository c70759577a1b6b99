use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    hits: u64,
    buckets: [u32; 0],
}

fn main() {}
