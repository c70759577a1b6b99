use shm_atomics::atomic_layout;

const N: usize = 0;

#[atomic_layout]
struct Stats {
    buckets: [u32; N],
}

fn main() {}
