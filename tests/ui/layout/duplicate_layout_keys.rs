use shm_atomics::atomic_layout;

#[atomic_layout(align = 8, crate = "::shm_atomics", align = 64, crate = "::shm_atomics")]
struct Counters {
    hits: u64,
}

fn main() {}
