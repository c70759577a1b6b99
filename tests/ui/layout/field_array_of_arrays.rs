use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    grid: [[u32; 2]; 2],
}

fn main() {}
