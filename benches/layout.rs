//! Layouts cost nothing: a generated accessor (`stats.requests().fetch_add(1)`) and the
//! same field of a mapped segment (a `Segment<Stats>` in a temporary directory), against a
//! raw `AtomicU64`. Single-threaded.
//!
//! `cargo bench --bench layout`

use std::hint::black_box as bb;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shm_atomics::{Segment, atomic_layout};

/// Service statistics, as in `examples/layout.rs`.
#[atomic_layout]
pub struct Stats {
    /// Requests served.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u32,
    /// Whether the service is up.
    pub up: bool,
    /// Id of the last peer.
    pub last_peer: [u8; 16],
    /// A hot counter on its own cache line.
    #[atomic(align = 64)]
    pub hot: u64,
}

fn layout(c: &mut Criterion) {
    let raw = AtomicU64::new(0);
    let stats = Stats::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let seg = Segment::<Stats>::create(dir.path().join("stats")).expect("segment");

    let mut g = c.benchmark_group("layout/fetch_add_u64");
    g.bench_function("raw_atomic_u64", |b| {
        b.iter(|| raw.fetch_add(bb(1), SeqCst))
    });
    g.bench_function("accessor", |b| b.iter(|| stats.requests().fetch_add(bb(1))));
    g.bench_function("segment_field", |b| {
        b.iter(|| seg.requests().fetch_add(bb(1)))
    });
    g.finish();

    let mut g = c.benchmark_group("layout/load_u64");
    g.bench_function("raw_atomic_u64", |b| b.iter(|| raw.load(SeqCst)));
    g.bench_function("accessor", |b| b.iter(|| stats.requests().load()));
    g.bench_function("segment_field", |b| b.iter(|| seg.requests().load()));
    g.finish();

    let mut g = c.benchmark_group("layout/store_u64");
    g.bench_function("raw_atomic_u64", |b| b.iter(|| raw.store(bb(7), SeqCst)));
    g.bench_function("accessor", |b| b.iter(|| stats.requests().store(bb(7))));
    g.bench_function("segment_field", |b| b.iter(|| seg.requests().store(bb(7))));
    g.finish();

    drop(seg);
    Segment::<Stats>::remove(dir.path().join("stats")).expect("remove segment");
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600))
}

criterion_group! {
    name = benches;
    config = config();
    targets = layout
}
criterion_main!(benches);
