// A read-only segment handle offers loads only: it does not dereference to the layout,
// so there is no field accessor to store through.
use shm_atomics::{Segment, atomic_layout};

#[atomic_layout]
pub struct Counters {
    pub hits: u64,
}

fn main() {
    let ro = Segment::<Counters>::open_readonly("counters").unwrap();
    ro.hits().store(1);
}
