//! What the report prints to standard output. Scripts and docs/PERFORMANCE.md use the last part,
//! one `ratio <name> <value>` line per pair (and `overlap`/`unreliable` for parallel
//! ones), so its format does not change.

use crate::measure::{MIN_OVERLAP, PairResult};
use crate::scaling::ScalePoint;

/// The table of pairs: ns per operation of both sides, the ratio and its spread.
pub fn pair_table(results: &[PairResult]) {
    println!();
    println!(
        "{:<38} {:>10} {:>10} {:>7} {:>15}  ours / reference",
        "pair", "ours ns", "ref ns", "ratio", "(min..max)"
    );
    for r in results {
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
}

/// The contention table: one row per thread count.
pub fn scaling_table(points: &[ScalePoint]) {
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
}

/// One `ratio <name> <value>` line per pair, for scripts.
pub fn ratio_lines(results: &[PairResult]) {
    println!();
    for r in results {
        println!("ratio {} {:.4}", r.name, r.ratio);
        if let Some((o, f)) = r.overlap {
            println!("overlap {} {:.3} {:.3}", r.name, o, f);
            if o < MIN_OVERLAP || f < MIN_OVERLAP {
                println!("unreliable {}", r.name);
            }
        }
    }
}
