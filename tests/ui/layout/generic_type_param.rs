use shm_atomics::atomic_layout;

#[atomic_layout]
struct Cell<T> {
    value: T,
}

fn main() {}
