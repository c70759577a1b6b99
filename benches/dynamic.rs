//! The dynamic API against the typed one, measured from a dependent crate.
//!
//! ```text
//! cargo bench --bench dynamic [-- --rounds N]
//! ```
//!
//! This bench target is its own crate and uses only `shm_atomics`'s public API, so it pays
//! what a user's crate pays (cross-crate inlining included), unlike code inside the
//! runtime. For each operation it times, interleaved over rounds in one process: the
//! typed `Atomic<u64>` call, the same call on `atomic(8, AType::Uint)` (an owned
//! [`DynAtomic`](shm_atomics::DynAtomic)) and on the dynamic view of a mapped segment
//! field (`RawSegment::field`). Each dynamic result is used as a user would use it
//! (`?`, then `as_u128()` for a value), so building and reading the result is measured.
//! It prints ns per operation (medians of the rounds) and each dynamic side's ratio to
//! the typed side (the median of the rounds' ratios), then one `ratio <name> <value>`
//! line per row for scripts.

use std::hint::black_box as bb;
use std::time::{Duration, Instant};

use shm_atomics::{AType, Atomic, RawSegment, Segment, atomic, atomic_layout};

/// The segment whose field the dynamic view reads and writes.
#[atomic_layout]
pub struct Counters {
    /// The measured field.
    pub hits: u64,
}

/// Times `n` calls of `f`, each result through `black_box`.
#[inline(always)]
fn timed<R>(n: u64, mut f: impl FnMut() -> R) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        bb(f());
    }
    start.elapsed()
}

/// A dynamic result a user unwraps with `?`; here a failure is a bug in the bench.
#[inline(always)]
fn ok<T>(r: Result<T, shm_atomics::Error>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("dynamic operation failed: {e}"),
    }
}

type Run<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// One operation: typed, owned dynamic, dynamic view of a segment field.
struct Row<'a> {
    name: &'static str,
    sides: [Run<'a>; 3],
}

/// Builds a row from one expression per side, each run `n` times.
macro_rules! row {
    ($name:literal, |$t:ident| $typed:expr, |$d:ident| $dynamic:expr, $typed_ref:expr,
     $dyn_ref:expr, $view_ref:expr) => {{
        let (t, d, v) = ($typed_ref, $dyn_ref, $view_ref);
        Row {
            name: $name,
            sides: [
                Box::new(move |n| {
                    let $t = t;
                    timed(n, || $typed)
                }),
                Box::new(move |n| {
                    let $d = d;
                    timed(n, || $dynamic)
                }),
                Box::new(move |n| {
                    let $d = v;
                    timed(n, || $dynamic)
                }),
            ],
        }
    }};
}

/// `n` loads of a typed field of a mapped segment, as a user's loop does them.
#[inline(never)]
fn segment_loads(seg: &Segment<Counters>, n: u64) -> u64 {
    let mut x = 0u64;
    for _ in 0..n {
        x = x.wrapping_add(seg.hits().load());
    }
    x
}

/// `n` loads of a `core` atomic, the same loop.
#[inline(never)]
fn core_loads(c: &std::sync::atomic::AtomicU64, n: u64) -> u64 {
    let mut x = 0u64;
    for _ in 0..n {
        x = x.wrapping_add(c.load(std::sync::atomic::Ordering::SeqCst));
    }
    x
}

/// `n` loads of a dynamic view, the same loop.
#[inline(never)]
fn view_loads(v: &shm_atomics::DynAtomicView<'_>, n: u64) -> u64 {
    let mut x = 0u64;
    for _ in 0..n {
        x = x.wrapping_add(ok(v.load()).as_u128() as u64);
    }
    x
}

/// `n` loads of a typed atomic, the same loop.
#[inline(never)]
fn typed_loads(a: &Atomic<u64>, n: u64) -> u64 {
    let mut x = 0u64;
    for _ in 0..n {
        x = x.wrapping_add(a.load());
    }
    x
}

/// The median over `rounds` of the time ratio `ours / reference`, alternating which
/// goes first.
fn loop_ratio(rounds: usize, ours: &dyn Fn() -> u64, reference: &dyn Fn() -> u64) -> f64 {
    let time = |f: &dyn Fn() -> u64| {
        let start = Instant::now();
        bb(f());
        start.elapsed().as_secs_f64()
    };
    let mut q = Vec::new();
    for round in 0..rounds {
        let (o, r) = if round % 2 == 0 {
            let o = time(ours);
            (o, time(reference))
        } else {
            let r = time(reference);
            (time(ours), r)
        };
        q.push(o / r);
    }
    median(&mut q)
}

/// Loads in a user's summing loop, which keeps no result in memory. The table's loop
/// stores each result to the stack (`black_box`); a load from a mapped segment whose
/// address matches that stack slot modulo 4096 then waits for the store (4K aliasing),
/// so those rows swing from 1x to 3x between builds with the same instructions.
fn summing_loops(
    seg: &Segment<Counters>,
    view: &shm_atomics::DynAtomicView<'_>,
    rounds: usize,
) -> [String; 2] {
    let core = std::sync::atomic::AtomicU64::new(0);
    let typed = Atomic::<u64>::new(0);
    let n = 50_000_000u64;
    let s = loop_ratio(rounds, &|| segment_loads(seg, bb(n)), &|| {
        core_loads(&core, bb(n))
    });
    let v = loop_ratio(rounds, &|| view_loads(view, bb(n)), &|| {
        typed_loads(&typed, bb(n))
    });
    [
        format!("ratio segment_vs_core_load_summing {s:.3}"),
        format!("ratio view_vs_typed_load_summing {v:.3}"),
    ]
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rounds = 9usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args
                .next()
                .and_then(|r| r.parse().ok())
                .ok_or("--rounds N")?;
        }
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("counters");
    let seg = Segment::<Counters>::create(&path)?;
    let raw = RawSegment::open(&path)?;

    let typed = Atomic::<u64>::new(0);
    let owned = atomic(8, AType::Uint)?;
    let field = raw.field("hits")?;
    let (t, d, v) = (&typed, &owned, &field);

    let mut rows = vec![
        row!("load", |a| a.load(), |a| ok(a.load()).as_u128(), t, d, v),
        row!(
            "store",
            |a| a.store(bb(1)),
            |a| ok(a.store(bb(1u64))),
            t,
            d,
            v
        ),
        row!("inc", |a| a.inc(), |a| ok(a.inc()), t, d, v),
        row!("add", |a| a.add(bb(1)), |a| ok(a.add(bb(1u64))), t, d, v),
        row!(
            "fetch_add",
            |a| a.fetch_add(bb(1)),
            |a| ok(a.fetch_add(bb(1u64))).as_u128(),
            t,
            d,
            v
        ),
        row!(
            "exchange",
            |a| a.exchange(bb(1)),
            |a| ok(a.exchange(bb(1u64))).as_u128(),
            t,
            d,
            v
        ),
        row!(
            "cmpxchg_strong",
            |a| a.cmpxchg_strong(bb(0), bb(1)).success,
            |a| ok(a.cmpxchg_strong(bb(0u64), bb(1u64))).success,
            t,
            d,
            v
        ),
        row!(
            "bin_fetch_or",
            |a| a.bin_fetch_or(bb(1)),
            |a| ok(a.bin_fetch_or(bb(1u64))).as_u128(),
            t,
            d,
            v
        ),
        row!(
            "bit_set",
            |a| ok(a.bit_set(bb(3))),
            |a| ok(a.bit_set(bb(3))),
            t,
            d,
            v
        ),
    ];

    // Calibrate on the typed side: a batch of about 5 ms.
    let counts: Vec<u64> = rows
        .iter_mut()
        .map(|r| {
            let mut n = 10_000u64;
            loop {
                let d = (r.sides[0])(n);
                if d >= Duration::from_millis(2) {
                    let n = (n as f64 * 5e-3 / d.as_secs_f64()) as u64;
                    for s in &mut r.sides[1..] {
                        s(n / 4);
                    }
                    return n.max(1);
                }
                n *= 4;
            }
        })
        .collect();
    let mut ns = vec![[const { Vec::new() }; 3]; rows.len()];
    for round in 0..rounds {
        for (i, r) in rows.iter_mut().enumerate() {
            let n = counts[i];
            for k in 0..3 {
                // Rotate which side goes first.
                let s = (k + round) % 3;
                let d = (r.sides[s])(n);
                ns[i][s].push(d.as_nanos() as f64 / n as f64);
            }
        }
    }
    println!(
        "dynamic vs typed from a dependent crate: {rounds} rounds, ns per operation (medians)"
    );
    println!(
        "{:<15} {:>9} {:>9} {:>7} {:>9} {:>7}",
        "operation", "typed", "DynAtomic", "ratio", "seg view", "ratio"
    );
    let mut lines = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let ratio = |s: usize| {
            let mut q: Vec<f64> = ns[i][s].iter().zip(&ns[i][0]).map(|(a, b)| a / b).collect();
            median(&mut q)
        };
        let (rd, rv) = (ratio(1), ratio(2));
        let med: Vec<f64> = (0..3).map(|s| median(&mut ns[i][s].clone())).collect();
        println!(
            "{:<15} {:>9.2} {:>9.2} {:>7.2} {:>9.2} {:>7.2}",
            r.name, med[0], med[1], rd, med[2], rv
        );
        lines.push(format!("ratio dynamic_{} {rd:.3}", r.name));
        lines.push(format!("ratio view_{} {rv:.3}", r.name));
    }
    drop(rows);
    lines.extend(summing_loops(&seg, &field, rounds));
    println!();
    for l in lines {
        println!("{l}");
    }
    drop((raw, seg));
    Segment::<Counters>::remove(&path)?;
    Ok(())
}
