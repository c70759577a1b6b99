use shm_atomics::atomic_layout;

const N: usize = 8;

#[atomic_layout]
struct Stats {
    // An array of atomics may have a const length, but raw bytes are one atomic whose
    // width the macro must read.
    id: [u8; N],
}

fn main() {}
