//! Two processes against two threads, updating one field of one segment with
//! `fetch_add(1)`: the same memory, the same instruction; only who shares it differs.
//!
//! For a sample of `iters` operations, two workers each do half: worker processes are
//! this bench binary re-executed (`ATOMICS_BENCH_WORKER` names the segment), worker
//! threads are threads of this process with their own handle on the same segment. Both
//! wait for a start flag and write when their loop started and ended (system clock, the
//! same in every process) into the segment; the sample is the first start to the last
//! end, so process start-up and exit are not measured.
//!
//! `cargo bench --bench processes`

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atomics::{Segment, atomic_layout};
use criterion::{Criterion, Throughput, criterion_group};

const WORKER_ENV: &str = "ATOMICS_BENCH_WORKER";

/// The shared segment.
#[atomic_layout]
pub struct Shared {
    /// The counter both workers update.
    #[atomic(align = 64)]
    pub counter: u64,
    /// Set by the parent to start the workers.
    #[atomic(align = 64)]
    pub go: bool,
    /// Workers ready to start.
    pub ready: u32,
    /// When each worker started its loop (ns of the system clock: comparable across
    /// processes, unlike `Instant`).
    pub start_ns: [u64; 2],
    /// When each worker finished its loop.
    pub end_ns: [u64; 2],
}

/// Nanoseconds since the Unix epoch by the system clock, which every process reads alike.
fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// A worker: announce, wait for the start flag, do `ops` increments, record the time.
fn work(seg: &Shared, id: usize, ops: u64) {
    seg.ready().inc();
    while !seg.go().load() {
        std::thread::yield_now();
    }
    seg.start_ns()[id].store(now_ns());
    let counter = seg.counter();
    for _ in 0..ops {
        black_box(counter.fetch_add(1));
    }
    seg.end_ns()[id].store(now_ns());
}

/// Resets the control fields, starts the workers with `start(id)`, releases them when
/// both are ready and returns the time from the first start to the last end, as the
/// workers recorded them.
fn sample(seg: &Shared, start: impl FnOnce() -> Box<dyn FnOnce()>) -> Duration {
    seg.go().store(false);
    seg.ready().store(0);
    let wait = start();
    while seg.ready().load() < 2 {
        std::thread::yield_now();
    }
    seg.go().store(true);
    wait();
    let first = (0..2).map(|i| seg.start_ns()[i].load()).min().unwrap_or(0);
    let last = (0..2).map(|i| seg.end_ns()[i].load()).max().unwrap_or(0);
    Duration::from_nanos(last.saturating_sub(first))
}

fn processes(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared");
    let seg = Segment::<Shared>::create(&path).expect("segment");
    let exe = std::env::current_exe().expect("current exe");

    let mut g = c.benchmark_group("processes_vs_threads/fetch_add_one_field");
    g.throughput(Throughput::Elements(1));
    g.bench_function("2_processes", |b| {
        b.iter_custom(|iters| {
            let ops = iters.div_ceil(2);
            sample(&seg, || {
                let children: Vec<_> = (0..2)
                    .map(|id| {
                        Command::new(&exe)
                            .env(WORKER_ENV, &path)
                            .env("ATOMICS_BENCH_ID", id.to_string())
                            .env("ATOMICS_BENCH_OPS", ops.to_string())
                            .spawn()
                            .expect("spawn worker process")
                    })
                    .collect();
                Box::new(move || {
                    for mut child in children {
                        assert!(child.wait().expect("worker").success(), "worker failed");
                    }
                })
            })
        })
    });
    g.bench_function("2_threads", |b| {
        b.iter_custom(|iters| {
            let ops = iters.div_ceil(2);
            sample(&seg, || {
                let threads: Vec<_> = (0..2)
                    .map(|id| {
                        let path = path.clone();
                        std::thread::spawn(move || {
                            let mine = Segment::<Shared>::open(&path).expect("open segment");
                            work(&mine, id, ops);
                        })
                    })
                    .collect();
                Box::new(move || {
                    for t in threads {
                        t.join().expect("worker thread");
                    }
                })
            })
        })
    });
    g.finish();
    drop(seg);
    Segment::<Shared>::remove(&path).expect("remove segment");
}

/// The worker process: `ATOMICS_BENCH_WORKER=PATH ATOMICS_BENCH_ID=I ATOMICS_BENCH_OPS=N`.
fn worker(path: &Path) {
    let var = |name: &str| -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let seg = Segment::<Shared>::open(path).expect("open segment");
    work(
        &seg,
        var("ATOMICS_BENCH_ID") as usize,
        var("ATOMICS_BENCH_OPS"),
    );
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = processes
}

fn main() {
    if let Some(path) = std::env::var_os(WORKER_ENV) {
        worker(Path::new(&path));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
