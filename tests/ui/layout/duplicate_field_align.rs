use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters {
    #[atomic(align = 8, align = 16)]
    hits: u64,
    #[atomic(align = 8)]
    #[atomic(align = 64)]
    misses: u64,
    // The first value is bad, and the second is still reported as a duplicate.
    #[atomic(align = 3, align = 4)]
    lost: u32,
}

fn main() {}
