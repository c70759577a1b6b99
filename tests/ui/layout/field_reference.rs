use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    flag: &'static u8,
}

fn main() {}
