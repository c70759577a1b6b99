//! Every operation of `Atomic<T>` for `u8`, `u32`, `u64`, `u128`, `[u8; 16]` and `f64`,
//! each against the same thing done four ways, single-threaded (no contention):
//!
//! - `atomics`: the typed `Atomic<T>` (the method named by the group);
//! - `core`: `core::sync::atomic` (portable-atomic's `AtomicU128` for 16 bytes; for
//!   `f64`, an `AtomicU64` holding the bits, updated in a `fetch_update` loop; for
//!   operations core lacks, what a core user writes: `fetch_update`, `fetch_or` with a
//!   mask, ...);
//! - `dynamic`: the dynamic API (`atomic(width, AType)`), same operation, same operand;
//! - `mutex`: a `Mutex<T>` doing the same update under the lock.
//!
//! Groups are named `<type>/<op>`: `cargo bench --bench ops -- u64/fetch_add` runs one.
//! The default timing is short (the whole suite runs in a few minutes); pass
//! `--measurement-time 2 --warm-up-time 1` for steadier numbers.
//!
//! One module per suite: `ints` (`u8`, `u32`, `u64`, `u128`), `bytes16` (`[u8; 16]`) and
//! `float` (`f64`); the `op!` macro below is what every group is made of.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// One benchmark group `<ty>/<op>` with the four ways of doing the same thing.
macro_rules! op {
    ($c:ident, $ty:literal, $op:literal,
     $ours:expr, $core:expr, $dynamic:expr, $mutex:expr $(,)?) => {{
        let mut g = $c.benchmark_group(format!("{}/{}", $ty, $op));
        g.bench_function("atomics", |b| b.iter(|| $ours));
        g.bench_function("core", |b| b.iter(|| $core));
        g.bench_function("dynamic", |b| b.iter(|| $dynamic));
        g.bench_function("mutex", |b| b.iter(|| $mutex));
        g.finish();
    }};
}

mod bytes16;
mod float;
mod ints;

use bytes16::bytes16_ops;
use float::f64_ops;
use ints::{u8_ops, u32_ops, u64_ops, u128_ops};

fn config() -> Criterion {
    // About 650 benchmarks: keep each one short by default.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(150))
        .nresamples(10_000)
}

criterion_group! {
    name = benches;
    config = config();
    targets = u8_ops, u32_ops, u64_ops, u128_ops, bytes16_ops, f64_ops
}
criterion_main!(benches);
