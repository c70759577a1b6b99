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
//! field (`RawSegment::field`); loads also at widths 4, 2 and 1. Each dynamic result is
//! used as a user would use it (`?`, then `as_u128()` for a value), so building and
//! reading the result is measured, and consumed in registers (see `Sink`). It prints ns
//! per operation (medians of the rounds) and each dynamic side's ratio to the typed side
//! (the median of the rounds' ratios), then one `ratio <name> <value>` line per row for
//! scripts. The `*_bb` and `*_expect` rows consume results as most user code does
//! instead: `expect`, then the whole result through `black_box` (for a compare-exchange
//! the whole `CmpxchgResult<DynValue>`, written to the stack).
//!
//! The table calls each operation through a reference to the atomic, re-read on every
//! call; the summing loops after it (`*_load_summing`) show a loop over a view held by
//! value, an owned `DynAtomic`, `as_atomic` and patomic's function pointers.

use std::hint::black_box as bb;
use std::time::{Duration, Instant};

use shm_atomics::{AType, Atomic, RawSegment, Segment, atomic, atomic_layout};

/// The segment whose field the dynamic view reads and writes.
#[atomic_layout]
pub struct Counters {
    /// The measured field.
    pub hits: u64,
    /// The narrower widths' loads.
    pub w4: u32,
    /// 2 bytes.
    pub w2: u16,
    /// 1 byte.
    pub w1: u8,
}

/// A result the loop must compute but need not store: each register is consumed by an
/// empty `asm!` (which the compiler cannot see through), so no store to the stack sits in
/// the timed loop. `black_box` takes its argument's address: a store per iteration, which
/// a load from a mapped page at the same offset modulo 4096 then waits for (4K aliasing),
/// and the load rows swung from 2x to 3x between builds of identical load code.
trait Sink {
    fn sink(self);
}

macro_rules! sink_ints {
    ($($t:ty),*) => {$(
        impl Sink for $t {
            #[inline(always)]
            fn sink(self) {
                #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
                // SAFETY: an empty template: reads a register, touches nothing.
                unsafe {
                    std::arch::asm!("/* {0} */", in(reg) self as u64, options(nomem, nostack, preserves_flags));
                }
                #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
                bb(self);
            }
        }
    )*};
}
sink_ints!(u64, u32, u16, u8, bool);

impl Sink for u128 {
    #[inline(always)]
    fn sink(self) {
        (self as u64).sink();
        ((self >> 64) as u64).sink();
    }
}

impl Sink for () {
    #[inline(always)]
    fn sink(self) {}
}

/// Times `n` calls of `f`, each result consumed in registers (see [`Sink`]).
#[inline(always)]
fn timed<R: Sink>(n: u64, mut f: impl FnMut() -> R) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        f().sink();
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
                    // A view is `Copy`: held by value, as a user holds the one
                    // `RawSegment::field` returns.
                    let $d = *v;
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

/// `n` loads of a dynamic view's typed cell, taken once with `as_atomic`, the same loop.
#[inline(never)]
fn as_atomic_loads(v: &shm_atomics::DynAtomicView<'_>, n: u64) -> u64 {
    let a = ok(v.as_atomic::<u64>());
    let mut x = 0u64;
    for _ in 0..n {
        x = x.wrapping_add(a.load());
    }
    x
}

/// `n` loads of an owned dynamic atomic, the same loop.
#[inline(never)]
fn owned_loads(a: &shm_atomics::DynAtomic, n: u64) -> u64 {
    let mut x = 0u64;
    for _ in 0..n {
        x = x.wrapping_add(ok(a.load()).as_u128() as u64);
    }
    x
}

/// patomic's design, the anchor the issue named: one function pointer per (width,
/// operation), chosen once when the atomic is made, so each load is an indirect call.
struct FnPtrLoad {
    load: unsafe fn(*const u8) -> u64,
    ptr: *const u8,
}

/// A load function of one width, as patomic keeps one per width.
macro_rules! fnptr_load {
    ($name:ident, $atomic:ident) => {
        /// # Safety
        ///
        /// `p` is an aligned atomic of the width, live and accessed only atomically.
        unsafe fn $name(p: *const u8) -> u64 {
            // SAFETY: the caller's contract.
            let a = unsafe { &*p.cast::<std::sync::atomic::$atomic>() };
            a.load(std::sync::atomic::Ordering::SeqCst) as u64
        }
    };
}
fnptr_load!(fnptr_load1, AtomicU8);
fnptr_load!(fnptr_load2, AtomicU16);
fnptr_load!(fnptr_load4, AtomicU32);
fnptr_load!(fnptr_load8, AtomicU64);

impl FnPtrLoad {
    /// The function for `a`'s width (8 bytes), chosen at run time as patomic does.
    fn new(a: &Atomic<u64>, width: usize) -> FnPtrLoad {
        let load = match width {
            1 => fnptr_load1,
            2 => fnptr_load2,
            4 => fnptr_load4,
            _ => fnptr_load8,
        };
        FnPtrLoad {
            load,
            ptr: a.as_ptr(),
        }
    }
}

/// `n` loads through the function pointer, the same loop.
#[inline(never)]
fn fnptr_loads(f: &FnPtrLoad, n: u64) -> u64 {
    let mut x = 0u64;
    for _ in 0..n {
        // SAFETY: `FnPtrLoad::new` chose the function of the atomic's width, and the
        // atomic outlives the loop.
        x = x.wrapping_add(unsafe { (f.load)(f.ptr) });
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

/// Loads in a user's summing loop, which keeps a running sum: each row's ratio to the
/// same loop over a typed `Atomic<u64>` (or, for the segment's typed field, a `core`
/// atomic). When the view is loop invariant the compiler hoists the width switch out of
/// the loop (unswitching) and the loop is the typed one; an owned `DynAtomic` keeps its
/// kind in its own memory, which a `SeqCst` load forbids hoisting, so it keeps a jump per
/// load; `as_atomic` takes the typed cell once; `fnptr` is patomic's design.
fn summing_loops(
    seg: &Segment<Counters>,
    view: &shm_atomics::DynAtomicView<'_>,
    owned: &shm_atomics::DynAtomic,
    rounds: usize,
) -> Vec<String> {
    let core = std::sync::atomic::AtomicU64::new(0);
    let typed = Atomic::<u64>::new(0);
    let fnptr = FnPtrLoad::new(&typed, bb(8));
    let n = 50_000_000u64;
    let vs_typed = |f: &dyn Fn() -> u64| loop_ratio(rounds, f, &|| typed_loads(&typed, bb(n)));
    let rows = [
        (
            "segment_vs_core",
            loop_ratio(rounds, &|| segment_loads(seg, bb(n)), &|| {
                core_loads(&core, bb(n))
            }),
        ),
        ("view_vs_typed", vs_typed(&|| view_loads(bb(view), bb(n)))),
        (
            "owned_vs_typed",
            vs_typed(&|| owned_loads(bb(owned), bb(n))),
        ),
        (
            "owned_view_vs_typed",
            vs_typed(&|| view_loads(&bb(owned).view(), bb(n))),
        ),
        (
            "view_as_atomic_vs_typed",
            vs_typed(&|| as_atomic_loads(bb(view), bb(n))),
        ),
        (
            "fnptr_vs_typed",
            vs_typed(&|| fnptr_loads(bb(&fnptr), bb(n))),
        ),
    ];
    rows.iter()
        .map(|(name, r)| format!("ratio {name}_load_summing {r:.3}"))
        .collect()
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

    let (t4, t2, t1) = (
        Atomic::<u32>::new(0),
        Atomic::<u16>::new(0),
        Atomic::<u8>::new(0),
    );
    let (d4, d2, d1) = (
        atomic(4, AType::Uint)?,
        atomic(2, AType::Uint)?,
        atomic(1, AType::Uint)?,
    );
    let (v4, v2, v1) = (raw.field("w4")?, raw.field("w2")?, raw.field("w1")?);

    // A load at each width, its result used as `as_u128()`.
    macro_rules! load_row {
        ($name:literal, $t:expr, $d:expr, $v:expr) => {
            row!($name, |a| a.load(), |a| ok(a.load()).as_u128(), $t, $d, $v)
        };
    }
    let mut rows = vec![
        load_row!("load", t, d, v),
        load_row!("load_4", &t4, &d4, &v4),
        load_row!("load_2", &t2, &d2, &v2),
        load_row!("load_1", &t1, &d1, &v1),
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
            "cmpxchg_weak",
            |a| a.cmpxchg_weak(bb(0), bb(1)).success,
            |a| ok(a.cmpxchg_weak(bb(0u64), bb(1u64))).success,
            t,
            d,
            v
        ),
        // As a user's code consumes results: `expect`, then the whole result (a
        // `CmpxchgResult<DynValue>`, not only `success`) through `black_box` (a store's
        // `()` needs none).
        row!(
            "store_expect",
            |a| a.store(bb(1)),
            |a| a.store(bb(1u64)).expect("store"),
            t,
            d,
            v
        ),
        row!(
            "cmpxchg_strong_bb",
            |a| {
                bb(a.cmpxchg_strong(bb(0), bb(1)));
            },
            |a| {
                bb(a.cmpxchg_strong(bb(0u64), bb(1u64))
                    .expect("cmpxchg_strong"));
            },
            t,
            d,
            v
        ),
        row!(
            "cmpxchg_weak_bb",
            |a| {
                bb(a.cmpxchg_weak(bb(0), bb(1)));
            },
            |a| {
                bb(a.cmpxchg_weak(bb(0u64), bb(1u64)).expect("cmpxchg_weak"));
            },
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
    lines.extend(summing_loops(&seg, &field, &owned, rounds));
    println!();
    for l in lines {
        println!("{l}");
    }
    drop((raw, seg));
    Segment::<Counters>::remove(&path)?;
    Ok(())
}
