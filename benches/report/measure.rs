//! How a pair is measured: its two sides calibrated to one op count, then run back to
//! back over rounds (alternating which goes first), the median of the rounds' ratios.

use std::hint::black_box as bb;
use std::time::{Duration, Instant};

use crate::options::Options;
use crate::support::Span;

/// Runs `n` operations and returns how long they took.
pub type Run<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// Below this overlap (workers running at once on average: their CPU time / wall time,
/// see `Span::overlap`) a 2-worker batch is counted as not concurrent. 1.8 means the two
/// ran together at least 80% of the span: what a batch measures then is mostly two cores
/// at once; at 1.0 one ran after the other (a busy machine), and the ratio is noise (at
/// load ~2.3 on 2 cores, padded/unpadded swung from 0.32 to 0.86).
pub const MIN_OVERLAP: f64 = 1.8;

std::thread_local! {
    /// The overlap of the last parallel batch, set by the parallel sides (`Run` returns
    /// only a time).
    static OVERLAP: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

/// Notes the batch's overlap for `run_pairs` and returns its wall time.
pub fn noted(span: Span) -> Duration {
    OVERLAP.with(|o| o.set(Some(span.overlap())));
    span.wall
}

/// One comparison: our side and the reference doing the same thing.
pub struct Pair<'a> {
    pub name: &'static str,
    /// Whether the sides run several threads or processes.
    pub parallel: bool,
    pub ours: (&'static str, Run<'a>),
    pub reference: (&'static str, Run<'a>),
}

/// Times `n` calls of `f` (given the call's index), each result through `black_box`.
#[inline(always)]
pub fn timed<R>(n: u64, mut f: impl FnMut(u64) -> R) -> Duration {
    let start = Instant::now();
    for i in 0..n {
        bb(f(bb(i)));
    }
    start.elapsed()
}

pub fn median(v: &mut [f64]) -> f64 {
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
pub fn calibrate(run: &mut Run<'_>, start: u64, target: Duration) -> u64 {
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

pub struct PairResult {
    pub name: &'static str,
    pub ours: &'static str,
    pub reference: &'static str,
    pub ops: u64,
    pub ours_ns: f64,
    pub ref_ns: f64,
    pub ratio: f64,
    pub ratio_min: f64,
    pub ratio_max: f64,
    /// For parallel pairs: the median overlap of the batches, ours and the reference's.
    pub overlap: Option<(f64, f64)>,
}

pub fn run_pairs(pairs: &mut [Pair<'_>], o: &Options) -> Vec<PairResult> {
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
