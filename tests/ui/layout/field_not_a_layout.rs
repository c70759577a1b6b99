use shm_atomics::atomic_layout;

struct Plain {
    x: u32,
}

#[atomic_layout]
struct Stats {
    hits: u64,
    plain: Plain,
}

fn main() {}
