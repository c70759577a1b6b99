use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters<'a> {
    hits: u64,
}

fn main() {}
