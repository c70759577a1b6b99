use shm_atomics::atomic_layout;

#[atomic_layout(align = 3)]
struct Stats {
    len: usize,
    #[atomic(align = 2)]
    hits: u64,
    rgb: [u8; 3],
    snapshot: u32,
    name: String,
    #[serde(skip)]
    up: bool,
}

fn main() {}
