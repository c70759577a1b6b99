use shm_atomics::atomic_layout;

#[atomic_layout]
struct Peer {
    id: u64,
    nothing: [u8; 0],
}

fn main() {}
