use shm_atomics::atomic_layout;

// A bad key does not hide the keys after it.
#[atomic_layout(packed = 4, align, align = 6)]
struct Counters {
    #[atomic(offset = 8, align = 3)]
    hits: u64,
}

fn main() {}
