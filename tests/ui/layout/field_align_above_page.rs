// Issue 11: a field aligned above the page size (4096) makes its layout so aligned too,
// which a segment mapped at a page boundary cannot keep; the macro accepted it before.
use shm_atomics::atomic_layout;

#[atomic_layout]
struct Counters {
    hits: u64,
    #[atomic(align = 8192)]
    far: u64,
}

fn main() {}
