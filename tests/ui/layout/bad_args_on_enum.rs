use shm_atomics::atomic_layout;

// The attribute's arguments are reported too, not only that an enum is not a layout.
#[atomic_layout(align = 3, crate = shm_atomics)]
enum State {
    Idle,
    Busy,
}

fn main() {}
