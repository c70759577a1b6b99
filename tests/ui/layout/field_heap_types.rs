use shm_atomics::atomic_layout;

#[atomic_layout]
struct Peer {
    name: String,
    data: Vec<u8>,
    boxed: Box<u64>,
}

fn main() {}
