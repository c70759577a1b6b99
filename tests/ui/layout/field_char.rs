use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    grade: char,
}

fn main() {}
