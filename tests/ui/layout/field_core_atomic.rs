// A field typed as an atomic of core (or portable_atomic) is one error on its type,
// saying which plain type to write; it used to be taken for a nested layout and give
// nine errors (not a layout, no SIZE, no Snapshot, ...).
#[allow(unused_imports)]
use core::sync::atomic::AtomicU64;
use shm_atomics::atomic_layout;

#[atomic_layout]
struct Stats {
    hits: AtomicU64,
    flags: std::sync::atomic::AtomicBool,
    index: core::sync::atomic::AtomicUsize,
}

fn main() {}
