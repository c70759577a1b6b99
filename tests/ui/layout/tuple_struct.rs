use shm_atomics::atomic_layout;

#[atomic_layout]
struct Pair(u32, u32);

fn main() {}
