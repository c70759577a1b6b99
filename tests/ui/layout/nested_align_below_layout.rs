use shm_atomics::atomic_layout;

#[atomic_layout]
struct Net {
    rx: u64,
    tx: u64,
}

#[atomic_layout]
struct Stats {
    up: bool,
    #[atomic(align = 2)]
    net: Net,
}

fn main() {}
