//! Contention: 1, 2 and N threads (N = the number of cores, at least 4) doing
//! `fetch_add(1)`
//!
//! - `contention/one_counter/T`: all T threads on one `Atomic<u64>` (the cache line
//!   bounces between cores);
//! - `contention/per_thread/adjacent/T`: each thread on its own counter, the counters
//!   adjacent in one layout (`counters: [u64; 16]`, eight to a cache line: false sharing);
//! - `contention/per_thread/padded/T`: the same with each counter in a slot declared
//!   `#[atomic(align = 64)]` (one cache line each: no false sharing).
//!
//! One iteration is one operation of the whole group: `iters` operations are split among
//! the T threads, which start together (a spinning barrier) and note when they start and end; the
//! sample is the first start to the last end. So the reported time is wall time per
//! operation of the group (lower is more total throughput; with perfect scaling it halves
//! from 1 to 2 threads), and criterion also prints the aggregate rate.
//!
//! `cargo bench --bench contention`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use shm_atomics::Atomic;

mod support;

use support::{Adjacent, MAX_THREADS, Padded, run_threads};

fn thread_counts() -> Vec<usize> {
    let n = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .clamp(4, MAX_THREADS);
    vec![1, 2, n]
}

fn contention(c: &mut Criterion) {
    let counter = Atomic::<u64>::new(0);
    let mut g = c.benchmark_group("contention/one_counter");
    g.throughput(Throughput::Elements(1));
    for t in thread_counts() {
        g.bench_function(BenchmarkId::from_parameter(t), |b| {
            b.iter_custom(|iters| {
                run_threads(t, iters, &|_, ops| {
                    for _ in 0..ops {
                        black_box(counter.fetch_add(1));
                    }
                })
            })
        });
    }
    g.finish();

    let adjacent = Adjacent::new();
    let padded = Padded::new();
    let mut g = c.benchmark_group("contention/per_thread");
    g.throughput(Throughput::Elements(1));
    for t in thread_counts() {
        g.bench_function(BenchmarkId::new("adjacent", t), |b| {
            b.iter_custom(|iters| {
                run_threads(t, iters, &|i, ops| {
                    let mine = &adjacent.counters()[i];
                    for _ in 0..ops {
                        black_box(mine.fetch_add(1));
                    }
                })
            })
        });
        g.bench_function(BenchmarkId::new("padded", t), |b| {
            b.iter_custom(|iters| {
                run_threads(t, iters, &|i, ops| {
                    let mine = padded.slots()[i].count();
                    for _ in 0..ops {
                        black_box(mine.fetch_add(1));
                    }
                })
            })
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

criterion_group! {
    name = benches;
    config = config();
    targets = contention
}
criterion_main!(benches);
