// Issue 11: an alignment above the page size (4096) cannot be kept by a segment, whose
// payload is mapped at a page boundary; the macro accepted up to 2^29 before.
use shm_atomics::atomic_layout;

#[atomic_layout(align = 8192)]
struct Counters {
    hits: u64,
}

fn main() {}
