use shm_atomics::atomic_layout;

#[atomic_layout]
enum State {
    Idle,
    Busy,
}

fn main() {}
