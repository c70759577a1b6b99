use shm_atomics::atomic_layout;

#[atomic_layout]
struct Empty;

fn main() {}
