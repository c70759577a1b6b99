use shm_atomics::atomic_layout;

#[atomic_layout]
struct Peer {
    rgb: [u8; 3],
}

fn main() {}
