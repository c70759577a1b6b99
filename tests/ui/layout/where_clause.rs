use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters
where
    u64: Copy,
{
    hits: u64,
}

fn main() {}
