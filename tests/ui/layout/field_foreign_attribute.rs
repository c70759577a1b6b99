use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    #[serde(skip)]
    hits: u64,
}

fn main() {}
