//! The benchmark report in one run: each key comparison measured in one process,
//! interleaved over several rounds, printed as a table and as one `ratio <name> <value>`
//! line per pair (ours divided by the reference, the median of the rounds' ratios).
//!
//! ```text
//! cargo bench --bench report [-- --quick] [--rounds N]
//!                                 [--csv PATH] [--json PATH|-] [--max-threads N]
//! ```
//!
//! A `harness = false` bench target: `cargo bench` builds it with optimizations and
//! passes `--bench`, which it ignores; `cargo bench` without `--bench report` runs it
//! after the criterion suites.
//!
//! How it measures: every pair's op count is fixed once (calibrated during a warm-up so
//! the reference side takes a few milliseconds), then each round runs every pair's two
//! sides back to back (alternating which goes first), timing each batch with `Instant`.
//! Pairs that use threads or processes start their workers together and take the time
//! from the first worker's start to the last one's end, so thread and process start-up
//! is not measured. Results are ns per
//! operation on this machine: compare ratios, not absolute numbers, across machines.
//!
//! The contention table (1, 2, ... threads on one counter, and on per-thread counters
//! adjacent or padded to a cache line each) can be written as CSV or JSON for
//! `scripts/plot_contention.py`.
//!
//! The worker processes of `processes_vs_threads_fetch_add` are this program re-executed
//! with `SHM_ATOMICS_BENCH_REPORT_WORKER` set.
//!
//! This file defines the pairs (`run`); `measure.rs` times them, `scaling.rs` runs the
//! contention table, `print.rs` prints both, `options.rs` reads the command line,
//! `worker.rs` is the worker process, and `../support/` is shared with the criterion
//! suites.

use std::hint::black_box as bb;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

#[path = "../support/mod.rs"]
mod support;

mod measure;
mod options;
mod print;
mod scaling;
mod worker;

use measure::{Pair, noted, run_pairs, timed};
use options::{Options, USAGE, parse};
use portable_atomic::AtomicU128;
use scaling::{json, run_scaling, write_csv};
use shm_atomics::{AType, Atom, Atomic, Segment, atomic, atomic_layout};
use support::{Adjacent, Padded, Shared, run_threads_span, shared_span, shared_work};
use worker::{WORKER_ENV, worker};

/// Service statistics (as in `examples/layout.rs`): the accessor and segment pairs.
#[atomic_layout]
pub struct Stats {
    /// Requests served.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u32,
    /// Id of the last peer.
    pub last_peer: [u8; 16],
}

fn main() -> ExitCode {
    if let Some(path) = std::env::var_os(WORKER_ENV) {
        return worker(Path::new(&path));
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let o = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("report: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&o) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("report: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(o: &Options) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!(
            "report: a debug build measures nothing useful; run it with `cargo bench --bench report`"
        );
    }
    let started = Instant::now();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let stats_path = dir.path().join("stats");
    let shared_path = dir.path().join("shared");
    let seg = Segment::<Stats>::create(&stats_path).map_err(|e| e.to_string())?;
    let shared = Segment::<Shared>::create(&shared_path).map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;

    let typed = Atomic::<u64>::new(0);
    let core = AtomicU64::new(0);
    let stats = Stats::new();
    let dynamic = atomic(8, AType::Uint).map_err(|e| e.to_string())?;
    let mutex = Mutex::new(0u64);
    let typed128 = Atomic::<u128>::new(0);
    let core128 = AtomicU128::new(0);
    let adjacent = Adjacent::new();
    let padded = Padded::new();
    let atom = Atom::new([0u64; 4]);
    let rwlock = RwLock::new(Arc::new([0u64; 4]));
    let atom_counter = Atom::new([0u64; 4]);
    let mutex4 = Mutex::new([0u64; 4]);
    let bump = |v: &[u64; 4]| {
        let mut n = *v;
        n[0] = n[0].wrapping_add(1);
        n
    };

    let mut pairs: Vec<Pair<'_>> = vec![
        Pair {
            name: "typed_vs_core_fetch_add_u64",
            parallel: false,
            ours: (
                "Atomic<u64>::fetch_add(1)",
                Box::new(|n| timed(n, |_| typed.fetch_add(bb(1)))),
            ),
            reference: (
                "AtomicU64::fetch_add(1, SeqCst)",
                Box::new(|n| timed(n, |_| core.fetch_add(bb(1), SeqCst))),
            ),
        },
        Pair {
            name: "typed_vs_core_load_u64",
            parallel: false,
            ours: (
                "Atomic<u64>::load()",
                Box::new(|n| timed(n, |_| typed.load())),
            ),
            reference: (
                "AtomicU64::load(SeqCst)",
                Box::new(|n| timed(n, |_| core.load(SeqCst))),
            ),
        },
        Pair {
            name: "typed_vs_core_cmpxchg_u64",
            parallel: false,
            ours: (
                "Atomic<u64>::cmpxchg_strong(x, x+1)",
                Box::new(|n| {
                    let mut x = typed.load();
                    timed(n, |_| {
                        let r = typed.cmpxchg_strong(x, x.wrapping_add(1));
                        x = if r.success {
                            x.wrapping_add(1)
                        } else {
                            r.expected
                        };
                    })
                }),
            ),
            reference: (
                "AtomicU64::compare_exchange(x, x+1)",
                Box::new(|n| {
                    let mut x = core.load(SeqCst);
                    timed(n, |_| {
                        x = match core.compare_exchange(x, x.wrapping_add(1), SeqCst, SeqCst) {
                            Ok(_) => x.wrapping_add(1),
                            Err(found) => found,
                        };
                    })
                }),
            ),
        },
        Pair {
            name: "typed_vs_core_cmpxchg_u128",
            parallel: false,
            ours: (
                "Atomic<u128>::cmpxchg_strong(x, x+1)",
                Box::new(|n| {
                    let mut x = typed128.load();
                    timed(n, |_| {
                        let r = typed128.cmpxchg_strong(x, x.wrapping_add(1));
                        x = if r.success {
                            x.wrapping_add(1)
                        } else {
                            r.expected
                        };
                    })
                }),
            ),
            reference: (
                "portable AtomicU128::compare_exchange",
                Box::new(|n| {
                    let mut x = core128.load(SeqCst);
                    timed(n, |_| {
                        x = match core128.compare_exchange(x, x.wrapping_add(1), SeqCst, SeqCst) {
                            Ok(_) => x.wrapping_add(1),
                            Err(found) => found,
                        };
                    })
                }),
            ),
        },
        Pair {
            name: "accessor_vs_raw_fetch_add_u64",
            parallel: false,
            ours: (
                "stats.requests().fetch_add(1)",
                Box::new(|n| timed(n, |_| stats.requests().fetch_add(bb(1)))),
            ),
            reference: (
                "AtomicU64::fetch_add(1, SeqCst)",
                Box::new(|n| timed(n, |_| core.fetch_add(bb(1), SeqCst))),
            ),
        },
        Pair {
            name: "segment_vs_raw_fetch_add_u64",
            parallel: false,
            ours: (
                "seg.requests().fetch_add(1) (mapped)",
                Box::new(|n| timed(n, |_| seg.requests().fetch_add(bb(1)))),
            ),
            reference: (
                "AtomicU64::fetch_add(1, SeqCst)",
                Box::new(|n| timed(n, |_| core.fetch_add(bb(1), SeqCst))),
            ),
        },
        Pair {
            name: "segment_vs_raw_load_u64",
            parallel: false,
            ours: (
                "seg.requests().load() (mapped)",
                Box::new(|n| timed(n, |_| seg.requests().load())),
            ),
            reference: (
                "AtomicU64::load(SeqCst)",
                Box::new(|n| timed(n, |_| core.load(SeqCst))),
            ),
        },
        Pair {
            name: "dynamic_vs_typed_load_u64",
            parallel: false,
            ours: (
                "atomic(8, Uint).load()?.as_u128()",
                Box::new(|n| timed(n, |_| dynamic.load().expect("load").as_u128())),
            ),
            reference: (
                "Atomic<u64>::load()",
                Box::new(|n| timed(n, |_| typed.load())),
            ),
        },
        Pair {
            name: "dynamic_vs_typed_fetch_add_u64",
            parallel: false,
            ours: (
                "atomic(8, Uint).fetch_add(1)?",
                Box::new(|n| {
                    timed(n, |_| {
                        dynamic.fetch_add(bb(1u64)).expect("fetch_add");
                    })
                }),
            ),
            reference: (
                "Atomic<u64>::fetch_add(1)",
                Box::new(|n| timed(n, |_| typed.fetch_add(bb(1)))),
            ),
        },
        Pair {
            name: "typed_vs_mutex_fetch_add_u64",
            parallel: false,
            ours: (
                "Atomic<u64>::fetch_add(1)",
                Box::new(|n| timed(n, |_| typed.fetch_add(bb(1)))),
            ),
            reference: (
                "Mutex<u64>: lock, add, unlock",
                Box::new(|n| {
                    timed(n, |_| {
                        let mut g = mutex.lock().expect("lock");
                        *g = g.wrapping_add(bb(1));
                    })
                }),
            ),
        },
        Pair {
            name: "padded_vs_unpadded_2threads",
            parallel: true,
            ours: (
                "2 threads, own counter, align 64",
                Box::new(|n| {
                    noted(run_threads_span(2, n, &|t, ops| {
                        let mine = padded.slots()[t].count();
                        for _ in 0..ops {
                            bb(mine.fetch_add(1));
                        }
                    }))
                }),
            ),
            reference: (
                "2 threads, own counter, adjacent",
                Box::new(|n| {
                    noted(run_threads_span(2, n, &|t, ops| {
                        let mine = &adjacent.counters()[t];
                        for _ in 0..ops {
                            bb(mine.fetch_add(1));
                        }
                    }))
                }),
            ),
        },
        Pair {
            name: "processes_vs_threads_fetch_add",
            parallel: true,
            ours: (
                "2 processes, one segment field",
                Box::new(|n| {
                    let ops = n.div_ceil(2);
                    noted(shared_span(&shared, || {
                        let children: Vec<_> = (0..2)
                            .map(|id| {
                                Command::new(&exe)
                                    .env(WORKER_ENV, &shared_path)
                                    .arg(id.to_string())
                                    .arg(ops.to_string())
                                    .spawn()
                                    .expect("start a worker process")
                            })
                            .collect();
                        Box::new(move || {
                            for mut c in children {
                                let status = c.wait().expect("wait for a worker");
                                assert!(status.success(), "worker process failed: {status}");
                            }
                        })
                    }))
                }),
            ),
            reference: (
                "2 threads, one segment field",
                Box::new(|n| {
                    let ops = n.div_ceil(2);
                    noted(shared_span(&shared, || {
                        let threads: Vec<_> = (0..2)
                            .map(|id| {
                                let path = shared_path.clone();
                                std::thread::spawn(move || {
                                    let seg = Segment::<Shared>::open(&path).expect("open");
                                    shared_work(&seg, id, ops);
                                })
                            })
                            .collect();
                        Box::new(move || {
                            for t in threads {
                                t.join().expect("worker thread");
                            }
                        })
                    }))
                }),
            ),
        },
        Pair {
            name: "atom_deref_vs_rwlock_read",
            parallel: false,
            ours: (
                "atom.deref()[0]",
                Box::new(|n| timed(n, |_| atom.deref()[0])),
            ),
            reference: (
                "RwLock<Arc<T>>: read()[0]",
                Box::new(|n| timed(n, |_| rwlock.read().expect("read")[0])),
            ),
        },
        Pair {
            name: "atom_deref_vs_rwlock_read_with_writer",
            parallel: false,
            ours: (
                "atom.deref()[0], writer running",
                Box::new(|n| {
                    with_writer(
                        || {
                            let _ = atom.swap(bump);
                        },
                        || timed(n, |_| atom.deref()[0]),
                    )
                }),
            ),
            reference: (
                "RwLock read()[0], writer running",
                Box::new(|n| {
                    with_writer(
                        || {
                            let next = Arc::new(bump(&rwlock.read().expect("read")));
                            *rwlock.write().expect("write") = next;
                        },
                        || timed(n, |_| rwlock.read().expect("read")[0]),
                    )
                }),
            ),
        },
        Pair {
            name: "atom_swap_vs_mutex",
            parallel: false,
            ours: (
                "atom.swap(f) (new Arc each)",
                Box::new(|n| timed(n, |_| atom_counter.swap(|v| bump(bb(v))))),
            ),
            reference: (
                "Mutex<T>: lock, update in place",
                Box::new(|n| {
                    timed(n, |_| {
                        let mut g = mutex4.lock().expect("lock");
                        *g = bump(bb(&g));
                    })
                }),
            ),
        },
    ];

    println!(
        "report: {} rounds{}; ns per operation on THIS machine ({} cores), medians of the rounds",
        o.rounds,
        if o.quick { " (--quick)" } else { "" },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let results = run_pairs(&mut pairs, o);
    drop(pairs);
    print::pair_table(&results);

    let points = run_scaling(o);
    print::scaling_table(&points);
    if let Some(path) = &o.csv {
        write_csv(path, &points).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &o.json {
        let text = json(&points, o);
        if path.as_os_str() == "-" {
            print!("{text}");
        } else {
            std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }

    print::ratio_lines(&results);
    println!("took {:.1} s", started.elapsed().as_secs_f64());
    drop((seg, shared));
    Segment::<Stats>::remove(&stats_path).map_err(|e| e.to_string())?;
    Segment::<Shared>::remove(&shared_path).map_err(|e| e.to_string())?;
    Ok(())
}

/// Runs `measure` while another thread calls `write` in a loop (yielding in between).
fn with_writer(write: impl Fn() + Sync, measure: impl FnOnce() -> Duration) -> Duration {
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(SeqCst) {
                write();
                std::thread::yield_now();
            }
        });
        let d = measure();
        stop.store(true, SeqCst);
        d
    })
}
