//! Records and striped counters, measured in one run: ratios for docs/PERFORMANCE.md.
//!
//! `cargo bench --bench records` (add `-- --quick` for fewer rounds). Prints one line per
//! measurement (median ns per operation over the rounds) and `ratio <name> <value>`
//! lines. Each pair is measured interleaved within every round, so machine load shifts
//! both sides alike; compare ratios, not nanoseconds, across machines.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use shm_atomics::{Atomic, Segment, Seq, Striped, atomic_layout};

#[atomic_layout]
pub struct R4 {
    pub f: [u64; 4],
}

#[atomic_layout]
pub struct R32 {
    pub f: [u64; 32],
}

#[atomic_layout]
pub struct Counters {
    pub ready: u32,
    pub plain: u64,
    pub striped: Striped<u64, 16>,
    pub ns: [u64; 2],
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// ns per call of `f` over `n` calls.
fn per_op(n: u64, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_nanos() as f64 / n as f64
}

/// Runs `measure` while another thread calls `write` in a loop.
fn with_writer<R>(write: impl Fn() + Sync, measure: impl FnOnce() -> R) -> R {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                write();
            }
        });
        std::thread::sleep(Duration::from_millis(2));
        let r = measure();
        stop.store(true, Ordering::Relaxed);
        r
    })
}

macro_rules! record_bench {
    ($name:literal, $L:ident, $S:ident, $n:literal, $rounds:expr, $ops:expr, $rows:expr) => {{
        let seq = Seq::<$L>::new();
        let plain = $L::new();
        let lock = RwLock::new([0u64; $n]);
        let mut v = 0u64;
        let write_seq = || {
            let s = $S {
                f: [black_box(1); $n],
            };
            seq.write(&s)
        };
        let write_plain = || (0..$n).for_each(|i| plain.f()[i].store(black_box(1)));
        let write_lock = || *lock.write().expect("lock") = [black_box(1); $n];
        for contended in [false, true] {
            let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..$rounds {
                let rs = || {
                    per_op($ops, || {
                        black_box(seq.read().expect("whole"));
                    })
                };
                let rl = || {
                    per_op($ops, || {
                        black_box(*lock.read().expect("lock"));
                    })
                };
                let rp = || {
                    per_op($ops, || {
                        black_box(plain.snapshot());
                    })
                };
                if contended {
                    a.push(with_writer(write_seq, rs));
                    b.push(with_writer(write_lock, rl));
                    c.push(with_writer(write_plain, rp));
                } else {
                    a.push(rs());
                    b.push(rl());
                    c.push(rp());
                }
                v += 1;
            }
            let (a, b, c) = (median(&mut a), median(&mut b), median(&mut c));
            let tag = if contended { "writer" } else { "alone" };
            $rows.push((format!("seq_read_{}_{}", $name, tag), a, "rwlock", b));
            $rows.push((format!("seq_read_{}_{}", $name, tag), a, "one_by_one", c));
        }
        black_box(v);
    }};
}

fn adders(n: u64, add: impl Fn() + Sync) -> f64 {
    let go = AtomicBool::new(false);
    let t = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    while !go.load(Ordering::Acquire) {
                        std::hint::spin_loop();
                    }
                    for _ in 0..n {
                        add();
                    }
                })
            })
            .collect();
        let t = Instant::now();
        go.store(true, Ordering::Release);
        for h in hs {
            h.join().expect("adder");
        }
        t.elapsed()
    });
    t.as_nanos() as f64 / (2 * n) as f64
}

const CHILD_ENV: &str = "SHMA_BENCH_RECORDS_CHILD";

fn child(spec: &str) {
    let mut it = spec.rsplitn(4, ':');
    let n: u64 = it.next().expect("n").parse().expect("n");
    let id: usize = it.next().expect("id").parse().expect("id");
    let mode = it.next().expect("mode");
    let path = it.next().expect("path");
    let seg = Segment::<Counters>::open(path).expect("open");
    seg.ready().fetch_add(1);
    while seg.ready().load() < 2 {
        std::hint::spin_loop();
    }
    let t = Instant::now();
    if mode == "plain" {
        for _ in 0..n {
            seg.plain().add(1);
        }
    } else {
        for _ in 0..n {
            seg.striped().add(1);
        }
    }
    seg.ns()[id].store(t.elapsed().as_nanos() as u64);
}

fn processes(path: &Path, mode: &str, n: u64) -> f64 {
    let seg = Segment::<Counters>::open(path).expect("open");
    seg.ready().store(0);
    let kids: Vec<_> = (0..2)
        .map(|id| {
            std::process::Command::new(std::env::current_exe().expect("exe"))
                .env(CHILD_ENV, format!("{}:{mode}:{id}:{n}", path.display()))
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut k in kids {
        assert!(k.wait().expect("wait").success());
    }
    let ns = seg.ns()[0].load().max(seg.ns()[1].load());
    ns as f64 / (2 * n) as f64
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 15 };
    let ops = if quick { 200_000 } else { 1_000_000 };
    let mut rows: Vec<(String, f64, &str, f64)> = Vec::new();
    record_bench!("4", R4, R4Snapshot, 4, rounds, ops, rows);
    record_bench!("32", R32, R32Snapshot, 32, rounds, ops / 4, rows);

    let adds = ops;
    let plain = Atomic::<u64>::new(0);
    let striped = Striped::<u64, 16>::new();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(adders(adds, || striped.add(1)));
        b.push(adders(adds, || plain.add(1)));
    }
    rows.push((
        "striped_add_2_threads".into(),
        median(&mut a),
        "plain",
        median(&mut b),
    ));

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("counters");
    let seg = Segment::<Counters>::create(&path).expect("create");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds.min(7) {
        a.push(processes(&path, "striped", adds));
        b.push(processes(&path, "plain", adds));
    }
    rows.push((
        "striped_add_2_processes".into(),
        median(&mut a),
        "plain",
        median(&mut b),
    ));
    assert_eq!(seg.striped().load(), seg.plain().load());

    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(per_op(ops, || {
            black_box(striped.load());
        }));
        b.push(per_op(ops, || {
            black_box(plain.load());
        }));
    }
    rows.push((
        "striped_load_16".into(),
        median(&mut a),
        "plain_load",
        median(&mut b),
    ));

    println!("records: {rounds} rounds, medians; ns per operation on THIS machine");
    println!(
        "{:<28} {:>9}  {:<12} {:>9}  {:>7}",
        "measurement", "ours ns", "ref", "ref ns", "ratio"
    );
    for (name, ours, r, refn) in &rows {
        println!(
            "{name:<28} {ours:>9.2}  {r:<12} {refn:>9.2}  {:>7.3}",
            ours / refn
        );
    }
    for (name, ours, r, refn) in &rows {
        println!("ratio {name}_vs_{r} {:.4}", ours / refn);
    }
}
