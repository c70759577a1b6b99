//! Peers of any architecture on one segment: CI runs this program natively (x86_64) and
//! as an aarch64 build under qemu-user at the same time, both updating one segment, then
//! checks the exact totals (issue 24).
//!
//! ```text
//! peers create PATH                  # a new segment of the `Peers` layout
//! peers work PATH OPS PEERS          # wait for PEERS workers (60 s at most), then OPS updates
//! peers check PATH OPS PEERS         # exit 0 if every total is exact, else 1 saying which
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use shm_atomics::{Segment, atomic_layout};

/// The shared state.
#[atomic_layout]
pub struct Peers {
    /// Workers that have the segment open (the start barrier).
    pub started: u32,
    /// Updates by everyone.
    pub total: u64,
    /// Low 64 bits: updates; high 64 bits: the sum of their values (a 16-byte step).
    pub ledger: u128,
    /// Every update adds 3 through a compare-and-swap loop.
    pub cas: u32,
    /// Updates by architecture: x86_64, aarch64, other.
    pub by_arch: [u64; 3],
}

/// This build's slot of `by_arch`.
fn arch_slot() -> usize {
    if cfg!(target_arch = "x86_64") {
        0
    } else if cfg!(target_arch = "aarch64") {
        1
    } else {
        2
    }
}

fn work(seg: &Segment<Peers>, ops: u64, peers: u32) -> Result<(), String> {
    seg.started().inc();
    let start = Instant::now();
    while seg.started().load() < peers {
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!(
                "only {} of {peers} peers started within 60 s",
                seg.started().load()
            ));
        }
        std::thread::yield_now();
    }
    for i in 0..ops {
        seg.total().inc();
        seg.ledger().fetch_add(1 | (u128::from(i % 1000) << 64));
        seg.cas().update_fetch(|v| v.wrapping_add(3));
        seg.by_arch()[arch_slot()].inc();
    }
    Ok(())
}

fn check(seg: &Segment<Peers>, ops: u64, peers: u32) -> Result<String, String> {
    let s = seg.snapshot();
    let n = ops * u64::from(peers);
    let per_worker: u128 = (0..ops).map(|i| u128::from(i % 1000)).sum();
    let want_sum = per_worker * u128::from(peers);
    let by_arch: u64 = s.by_arch.iter().sum();
    let exact = s.total == n
        && s.ledger as u64 == n
        && s.ledger >> 64 == want_sum
        && s.cas == (3 * n) as u32
        && by_arch == n;
    let report = format!(
        "total {} (want {n}), ledger {}/{} (want {n}/{want_sum}), cas {}, by arch x86_64 {} aarch64 {} other {}",
        s.total,
        s.ledger as u64,
        s.ledger >> 64,
        s.cas,
        s.by_arch[0],
        s.by_arch[1],
        s.by_arch[2]
    );
    if exact { Ok(report) } else { Err(report) }
}

fn run(args: &[String]) -> Result<String, String> {
    let num = |i: usize| -> Result<u64, String> {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("argument {i} must be a number (see the usage in peers.rs)"))
    };
    let path = args
        .get(1)
        .ok_or("usage: peers create|work|check PATH [OPS PEERS]")?;
    match args.first().map(String::as_str) {
        Some("create") => Segment::<Peers>::create(path)
            .map(|_| format!("created {path}"))
            .map_err(|e| e.to_string()),
        Some(cmd @ ("work" | "check")) => {
            let (ops, peers) = (num(2)?, num(3)?);
            let peers = u32::try_from(peers).map_err(|_| "PEERS is too large".to_owned())?;
            let seg = Segment::<Peers>::open(path).map_err(|e| e.to_string())?;
            if cmd == "work" {
                work(&seg, ops, peers).map(|()| format!("{ops} updates done"))
            } else {
                check(&seg, ops, peers)
            }
        }
        _ => Err("usage: peers create|work|check PATH [OPS PEERS]".to_owned()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(msg) => {
            println!("peers ({}): {msg}", std::env::consts::ARCH);
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("peers ({}): {msg}", std::env::consts::ARCH);
            ExitCode::FAILURE
        }
    }
}
