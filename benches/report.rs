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

use std::hint::black_box as bb;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use portable_atomic::AtomicU128;
use shm_atomics::{AType, Atom, Atomic, Segment, atomic, atomic_layout};

mod support;

use support::{
    Adjacent, MAX_THREADS, Padded, Shared, Span, run_threads, run_threads_span, shared_span,
    shared_work,
};

const WORKER_ENV: &str = "SHM_ATOMICS_BENCH_REPORT_WORKER";

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

const USAGE: &str = "\
report: key benchmark pairs measured in one run, interleaved over rounds

USAGE:
    cargo bench --bench report -- [--quick] [--rounds N] [--csv PATH] [--json PATH|-]
                                  [--max-threads N]

OPTIONS:
    --quick          short batches and fewer rounds (well under a minute)
    --rounds N       rounds of every pair (default 7; 5 with --quick)
    --csv PATH       write the contention-scaling measurements as CSV
    --json PATH      the same as JSON (`-` for standard output)
    --max-threads N  contention scaling up to N threads (default: 2 x cores, 4..=16;
                     4 with --quick)
    -h, --help       this text";

struct Options {
    quick: bool,
    rounds: usize,
    csv: Option<PathBuf>,
    json: Option<PathBuf>,
    max_threads: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let quick = args.iter().any(|a| a == "--quick");
    let mut o = Options {
        quick,
        rounds: if quick { 5 } else { 7 },
        csv: None,
        json: None,
        max_threads: if quick {
            4
        } else {
            (2 * cores).clamp(4, MAX_THREADS)
        },
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            // `--bench` is what `cargo bench` passes to every bench target.
            "--quick" | "--bench" => {}
            "--rounds" => {
                o.rounds = value("--rounds")?
                    .parse()
                    .map_err(|_| "--rounds takes a number")?
            }
            "--csv" => o.csv = Some(value("--csv")?.into()),
            "--json" => o.json = Some(value("--json")?.into()),
            "--max-threads" => {
                o.max_threads = value("--max-threads")?
                    .parse()
                    .map_err(|_| "--max-threads takes a number")?
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    if !(1..=MAX_THREADS).contains(&o.max_threads) {
        return Err(format!("--max-threads must be 1..={MAX_THREADS}"));
    }
    Ok(o)
}

/// Runs `n` operations and returns how long they took.
type Run<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// Below this overlap (workers running at once on average: their CPU time / wall time,
/// see `Span::overlap`) a 2-worker batch is counted as not concurrent. 1.8 means the two
/// ran together at least 80% of the span: what a batch measures then is mostly two cores
/// at once; at 1.0 one ran after the other (a busy machine), and the ratio is noise (at
/// load ~2.3 on 2 cores, padded/unpadded swung from 0.32 to 0.86).
const MIN_OVERLAP: f64 = 1.8;

std::thread_local! {
    /// The overlap of the last parallel batch, set by the parallel sides (`Run` returns
    /// only a time).
    static OVERLAP: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

/// Notes the batch's overlap for `run_pairs` and returns its wall time.
fn noted(span: Span) -> Duration {
    OVERLAP.with(|o| o.set(Some(span.overlap())));
    span.wall
}

/// One comparison: our side and the reference doing the same thing.
struct Pair<'a> {
    name: &'static str,
    /// Whether the sides run several threads or processes.
    parallel: bool,
    ours: (&'static str, Run<'a>),
    reference: (&'static str, Run<'a>),
}

/// Times `n` calls of `f` (given the call's index), each result through `black_box`.
#[inline(always)]
fn timed<R>(n: u64, mut f: impl FnMut(u64) -> R) -> Duration {
    let start = Instant::now();
    for i in 0..n {
        bb(f(bb(i)));
    }
    start.elapsed()
}

/// The work of a thread: `work(thread index, ops)`.
type Work<'a> = &'a (dyn Fn(usize, u64) + Sync);

/// The worker process: `SHM_ATOMICS_BENCH_REPORT_WORKER=PATH report ID OPS`.
fn worker(path: &Path) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(id), Some(ops)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1).and_then(|a| a.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: {WORKER_ENV}=PATH report ID OPS");
        return ExitCode::from(2);
    };
    match Segment::<Shared>::open(path) {
        Ok(seg) => {
            shared_work(&seg, id, ops);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("report worker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Picks the op count for which `run` takes about `target`, running it a few times
/// (which also warms it up).
fn calibrate(run: &mut Run<'_>, start: u64, target: Duration) -> u64 {
    let mut n = start;
    loop {
        let d = run(n);
        if d >= target / 4 || n >= 1 << 40 {
            let scaled = n as f64 * target.as_secs_f64() / d.as_secs_f64().max(1e-9);
            return (scaled as u64).max(1);
        }
        n *= 4;
    }
}

struct PairResult {
    name: &'static str,
    ours: &'static str,
    reference: &'static str,
    ops: u64,
    ours_ns: f64,
    ref_ns: f64,
    ratio: f64,
    ratio_min: f64,
    ratio_max: f64,
    /// For parallel pairs: the median overlap of the batches, ours and the reference's.
    overlap: Option<(f64, f64)>,
}

fn run_pairs(pairs: &mut [Pair<'_>], o: &Options) -> Vec<PairResult> {
    let target = if o.quick {
        Duration::from_millis(10)
    } else {
        Duration::from_millis(50)
    };
    let counts: Vec<u64> = pairs
        .iter_mut()
        .map(|p| {
            eprint!("\rwarming up {:<40}", p.name);
            // Batches with threads or processes are longer: scheduling noise is larger.
            let target = if p.parallel { target * 4 } else { target };
            let n = calibrate(&mut p.reference.1, 1_000, target);
            (p.ours.1)(n);
            n
        })
        .collect();
    let mut ours = vec![Vec::new(); pairs.len()];
    let mut refs = vec![Vec::new(); pairs.len()];
    let mut overlaps = vec![(Vec::new(), Vec::new()); pairs.len()];
    // Runs one side and keeps the overlap it reported.
    let side = |run: &mut Run<'_>, n: u64, seen: &mut Vec<f64>| {
        OVERLAP.with(|o| o.set(None));
        let d = run(n);
        if let Some(v) = OVERLAP.with(|o| o.take()) {
            seen.push(v);
        }
        d.as_nanos() as f64 / n as f64
    };
    for round in 0..o.rounds {
        eprint!("\rround {}/{} {:<40}", round + 1, o.rounds, "");
        for (i, p) in pairs.iter_mut().enumerate() {
            let n = counts[i];
            let (lo, lr) = &mut overlaps[i];
            if round % 2 == 0 {
                ours[i].push(side(&mut p.ours.1, n, lo));
                refs[i].push(side(&mut p.reference.1, n, lr));
            } else {
                refs[i].push(side(&mut p.reference.1, n, lr));
                ours[i].push(side(&mut p.ours.1, n, lo));
            }
        }
    }
    eprint!("\r{:<60}\r", "");
    pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut ratios: Vec<f64> = ours[i].iter().zip(&refs[i]).map(|(a, b)| a / b).collect();
            let ratio = median(&mut ratios);
            PairResult {
                name: p.name,
                ours: p.ours.0,
                reference: p.reference.0,
                ops: counts[i],
                ours_ns: median(&mut ours[i]),
                ref_ns: median(&mut refs[i]),
                ratio,
                ratio_min: ratios[0],
                ratio_max: ratios[ratios.len() - 1],
                overlap: p.parallel.then(|| {
                    let (o, r) = &mut overlaps[i];
                    (median(o), median(r))
                }),
            }
        })
        .collect()
}

/// One contention measurement: median ns per operation (wall time / total ops).
struct ScalePoint {
    threads: usize,
    variant: &'static str,
    ns_per_op: f64,
}

fn run_scaling(o: &Options) -> Vec<ScalePoint> {
    let total: u64 = if o.quick { 4_000_000 } else { 16_000_000 };
    let one = Atomic::<u64>::new(0);
    let adjacent = Adjacent::new();
    let padded = Padded::new();
    let variants: [(&'static str, Work<'_>); 3] = [
        ("one_counter", &|_, ops| {
            for _ in 0..ops {
                bb(one.fetch_add(1));
            }
        }),
        ("per_thread_adjacent", &|t, ops| {
            let mine = &adjacent.counters()[t];
            for _ in 0..ops {
                bb(mine.fetch_add(1));
            }
        }),
        ("per_thread_padded", &|t, ops| {
            let mine = padded.slots()[t].count();
            for _ in 0..ops {
                bb(mine.fetch_add(1));
            }
        }),
    ];
    let threads: Vec<usize> = (1..=o.max_threads).collect();
    let mut samples = vec![Vec::new(); threads.len() * variants.len()];
    // Warm-up.
    for (_, work) in &variants {
        run_threads(2.min(o.max_threads), total / 4, *work);
    }
    for round in 0..o.rounds {
        eprint!("\rcontention round {}/{}", round + 1, o.rounds);
        for (ti, &t) in threads.iter().enumerate() {
            for (vi, (_, work)) in variants.iter().enumerate() {
                let d = run_threads(t, total, *work);
                samples[ti * variants.len() + vi].push(d.as_nanos() as f64 / total as f64);
            }
        }
    }
    eprint!("\r{:<60}\r", "");
    let mut points = Vec::new();
    for (ti, &t) in threads.iter().enumerate() {
        for (vi, (name, _)) in variants.iter().enumerate() {
            points.push(ScalePoint {
                threads: t,
                variant: name,
                ns_per_op: median(&mut samples[ti * variants.len() + vi]),
            });
        }
    }
    points
}

fn write_csv(path: &Path, points: &[ScalePoint]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    writeln!(f, "threads,variant,ns_per_op,mops_per_s")?;
    for p in points {
        writeln!(
            f,
            "{},{},{:.3},{:.3}",
            p.threads,
            p.variant,
            p.ns_per_op,
            1e3 / p.ns_per_op
        )?;
    }
    Ok(())
}

fn json(points: &[ScalePoint], o: &Options) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rows: Vec<String> = points
        .iter()
        .map(|p| {
            format!(
                "    {{\"threads\": {}, \"variant\": \"{}\", \"ns_per_op\": {:.3}, \"mops_per_s\": {:.3}}}",
                p.threads,
                p.variant,
                p.ns_per_op,
                1e3 / p.ns_per_op
            )
        })
        .collect();
    format!(
        "{{\n  \"cores\": {cores},\n  \"rounds\": {},\n  \"quick\": {},\n  \"points\": [\n{}\n  ]\n}}\n",
        o.rounds,
        o.quick,
        rows.join(",\n")
    )
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
    println!();
    println!(
        "{:<38} {:>10} {:>10} {:>7} {:>15}  ours / reference",
        "pair", "ours ns", "ref ns", "ratio", "(min..max)"
    );
    for r in &results {
        println!(
            "{:<38} {:>10.2} {:>10.2} {:>7.3} {:>15}  {} / {} ({} ops per batch)",
            r.name,
            r.ours_ns,
            r.ref_ns,
            r.ratio,
            format!("({:.2}..{:.2})", r.ratio_min, r.ratio_max),
            r.ours,
            r.reference,
            r.ops
        );
        if let Some((o, f)) = r.overlap {
            let ok = o >= MIN_OVERLAP && f >= MIN_OVERLAP;
            println!(
                "{:<38} overlap (CPU time / wall time, median) ours {o:.2}, reference \
                 {f:.2}: {}",
                "",
                if ok {
                    "the workers ran at the same time"
                } else {
                    "UNRELIABLE: the workers did not run at the same time (below 1.8)"
                }
            );
        }
    }

    let points = run_scaling(o);
    println!();
    println!("contention scaling: ns per operation of all threads together (wall time / ops)");
    println!(
        "{:>7} {:>14} {:>20} {:>18}",
        "threads", "one_counter", "per_thread_adjacent", "per_thread_padded"
    );
    for chunk in points.chunks(3) {
        println!(
            "{:>7} {:>14.2} {:>20.2} {:>18.2}",
            chunk[0].threads, chunk[0].ns_per_op, chunk[1].ns_per_op, chunk[2].ns_per_op
        );
    }
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

    println!();
    for r in &results {
        println!("ratio {} {:.4}", r.name, r.ratio);
        if let Some((o, f)) = r.overlap {
            println!("overlap {} {:.3} {:.3}", r.name, o, f);
            if o < MIN_OVERLAP || f < MIN_OVERLAP {
                println!("unreliable {}", r.name);
            }
        }
    }
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
