//! The contention table: 1, 2, ... threads on one counter, and on per-thread counters
//! adjacent or padded to a cache line each; written as CSV or JSON for
//! `scripts/plot_contention.py`.

use std::hint::black_box as bb;
use std::io::Write as _;
use std::path::Path;

use shm_atomics::Atomic;

use crate::measure::median;
use crate::options::Options;
use crate::support::{Adjacent, Padded, run_threads};

/// The work of a thread: `work(thread index, ops)`.
pub type Work<'a> = &'a (dyn Fn(usize, u64) + Sync);

/// One contention measurement: median ns per operation (wall time / total ops).
pub struct ScalePoint {
    pub threads: usize,
    pub variant: &'static str,
    pub ns_per_op: f64,
}

pub fn run_scaling(o: &Options) -> Vec<ScalePoint> {
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

pub fn write_csv(path: &Path, points: &[ScalePoint]) -> std::io::Result<()> {
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

pub fn json(points: &[ScalePoint], o: &Options) -> String {
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
