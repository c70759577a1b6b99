//! Probes for the `codegen` test (`main.rs` beside this file): small `#[inline(never)]` functions around layout
//! accessors, whose release machine code the test disassembles to show that an accessor
//! and an `Atomic` operation compile to the one instruction a hand-written atomic would.
//!
//! Declared in Cargo.toml as the `codegen_probe` example and built by the test as
//! `RUSTFLAGS="-C target-feature=+cmpxchg16b" cargo build --release --example codegen_probe`;
//! running it just calls each probe once.

use std::hint::black_box;

use shm_atomics::{AType, DynAtomicView, atomic, atomic_layout};

/// A layout with the fields the probes touch.
#[atomic_layout]
pub struct Stats {
    /// An 8-byte counter.
    pub requests: u64,
    /// A 4-byte counter.
    pub errors: u32,
    /// A 16-byte id.
    pub last_peer: [u8; 16],
}

/// `fetch_add(1)` on a `u64` field: expected `lock xadd`.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_fetch_add_u64(s: &Stats) -> u64 {
    s.requests().fetch_add(1)
}

/// `inc()` on a `u32` field (result unused): expected a `lock` add/inc, no call.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_inc_u32(s: &Stats) {
    s.errors().inc()
}

/// `load()` on a `u64` field: expected a plain `mov`, no call.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_load_u64(s: &Stats) -> u64 {
    s.requests().load()
}

/// `cmpxchg_strong` on a `[u8; 16]` field: expected `lock cmpxchg16b` (with
/// `-C target-feature=+cmpxchg16b`; without it, an indirect call through
/// portable-atomic's run-time dispatch).
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_cmpxchg_bytes16(s: &Stats, expected: &[u8; 16], desired: &[u8; 16]) -> bool {
    s.last_peer().cmpxchg_strong(*expected, *desired).success
}

/// A dynamic `fetch_add` from a dependent crate, its result used: the operation must be
/// folded into the caller (one `lock xadd` among the widths' branches), with calls only
/// on the cold paths (an operand that does not fit, an unsupported kind).
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_dyn_fetch_add(a: &DynAtomicView<'_>) -> u128 {
    a.fetch_add(1u64).map_or(0, |v| v.as_u128())
}

/// A dynamic `load` from a dependent crate: a branch on the width and a `mov`, no call.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_dyn_load(a: &DynAtomicView<'_>) -> u128 {
    a.load().map_or(0, |v| v.as_u128())
}

/// A summing loop of dynamic loads over a view the loop does not change: the width switch
/// is hoisted out of the loop, so some loop runs the loads with no branch inside.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_dyn_load_loop(a: &DynAtomicView<'_>, n: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..n {
        sum = sum.wrapping_add(a.load().map_or(0, |v| v.as_u128() as u64));
    }
    sum
}

/// A field load through a mapped `Segment`: the payload pointer, then the field.
#[cfg(feature = "shm")]
#[inline(never)]
#[unsafe(no_mangle)]
pub fn probe_segment_load(s: &shm_atomics::Segment<Stats>) -> u64 {
    s.requests().load()
}

fn main() {
    let s = Stats::new();
    let s = black_box(&s);
    probe_fetch_add_u64(s);
    probe_inc_u32(s);
    let peer = *b"10.0.0.7:443\0\0\0\0";
    let ok = probe_cmpxchg_bytes16(s, black_box(&[0; 16]), black_box(&peer));
    let owned = atomic(8, AType::Uint).expect("an 8-byte dynamic atomic");
    let view = owned.view();
    let view = black_box(&view);
    let old = probe_dyn_fetch_add(view);
    let now = probe_dyn_load(view);
    let sum = probe_dyn_load_loop(view, black_box(3));
    #[cfg(feature = "shm")]
    if let Ok(dir) = std::env::temp_dir().canonicalize() {
        let path = dir.join(format!("codegen_probe_{}", std::process::id()));
        if let Ok(seg) = shm_atomics::Segment::<Stats>::create(&path) {
            println!("segment={}", probe_segment_load(black_box(&seg)));
            drop(seg);
            let _ = shm_atomics::Segment::<Stats>::remove(&path);
        }
    }
    println!(
        "requests={} errors={} cmpxchg={ok} dynamic={old}->{now} sum={sum}",
        probe_load_u64(s),
        s.errors().load()
    );
}
