use shm_atomics::atomic_layout;

#[atomic_layout]
union Word {
    int: u64,
    float: f64,
}

fn main() {}
