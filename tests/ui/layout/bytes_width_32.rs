use shm_atomics::atomic_layout;

#[atomic_layout]
struct Peer {
    hash: [u8; 32],
}

fn main() {}
