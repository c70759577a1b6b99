use shm_atomics::atomic_layout;

#[atomic_layout]
struct Buckets<const N: usize> {
    counts: [u64; 4],
}

fn main() {}
