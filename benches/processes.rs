//! Two processes against two threads, updating one field of one segment with
//! `fetch_add(1)`: the same memory, the same instruction; only who shares it differs.
//!
//! For a sample of `iters` operations, two workers each do half: worker processes are
//! this bench binary re-executed (`SHM_ATOMICS_BENCH_WORKER` names the segment), worker
//! threads are threads of this process with their own handle on the same segment. Both
//! wait for a start flag and write when their loop started and ended (system clock, the
//! same in every process) into the segment; the sample is the first start to the last
//! end, so process start-up and exit are not measured.
//!
//! `cargo bench --bench processes`

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use shm_atomics::Segment;

mod support;

use support::{Shared, shared_sample as sample, shared_work as work};

const WORKER_ENV: &str = "SHM_ATOMICS_BENCH_WORKER";

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
                            .env("SHM_ATOMICS_BENCH_ID", id.to_string())
                            .env("SHM_ATOMICS_BENCH_OPS", ops.to_string())
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

/// The worker process: `SHM_ATOMICS_BENCH_WORKER=PATH SHM_ATOMICS_BENCH_ID=I SHM_ATOMICS_BENCH_OPS=N`.
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
        var("SHM_ATOMICS_BENCH_ID") as usize,
        var("SHM_ATOMICS_BENCH_OPS"),
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
