// Names the descriptor and the C header cannot carry: non-ASCII, reserved in C and C++
// (`_` + uppercase, `__`). Keywords such as `class` are fine (the header escapes them).
use shm_atomics::atomic_layout;

#[atomic_layout]
pub struct _Reserved {
    pub größe: u64,
    pub __pad: u32,
    pub a__b: u32,
    pub class: u64,
}

fn main() {}
