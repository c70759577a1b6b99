// `#[derive(Clone, Default)]` on a layout is one error on the derive saying why and what
// to use (the snapshot); it used to give conflicting-impl errors (Default, Debug) and
// one error per field (an atomic is not Clone).
use shm_atomics::atomic_layout;

#[atomic_layout]
#[derive(Clone, Default)]
struct Stats {
    hits: u64,
    up: bool,
}

#[atomic_layout]
#[derive(Debug, PartialEq, zerocopy::IntoBytes)]
struct Other {
    hits: u64,
}

fn main() {}
