//! Multi-process shared-memory counters: the main demo.
//!
//! Creates a segment of the `Counters` layout, starts N worker processes of this same
//! program that update it for a few seconds, shows live progress, then verifies that
//! every total is exact and prints the throughput.
//!
//! ```text
//! cargo run --release --example counters -- [--workers N] [--seconds S | --ops N]
//!                                            [--segment PATH] [--keep]
//! ```
//!
//! Each operation of worker `w` (its `i`-th) has the value `v(w, i)` and does, in order:
//! 1. `slots[w].progress.fetch_add(1 | v << 64)`: the worker's own count and value sum,
//!    one 16-byte atomic step (so a slot is never torn, even if the worker is killed);
//! 2. `ledger.fetch_add(1 | v << 64)`: the same for everyone, one 16-byte atomic step;
//! 3. `total.fetch_add(1)`: a plain 8-byte counter;
//! 4. `last_writer.exchange(id)`: a 16-byte exchange of the writer's id.
//!
//! So at the end `total == ledger.ops == sum of slot ops`, `ledger.sum == sum of slot
//! sums`, and every slot's sum is exactly `v(w, 0) + ... + v(w, ops - 1)`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

use shm_atomics::{Layout, Segment, atomic_layout};

/// One worker's record, on its own cache line so workers do not slow each other down.
#[atomic_layout]
pub struct Slot {
    /// Low 64 bits: operations done; high 64 bits: sum of their values.
    #[atomic(align = 64)]
    pub progress: u128,
    /// The worker's process id.
    pub pid: u32,
    /// Set when the worker has finished.
    pub done: bool,
}

/// The shared segment's layout.
#[atomic_layout]
pub struct Counters {
    /// Operations by everyone.
    pub total: u64,
    /// Low 64 bits: operations by everyone; high 64 bits: sum of their values.
    pub ledger: u128,
    /// The id of the last writer (`worker-NN` padded with zeros).
    pub last_writer: [u8; 16],
    /// Set by the parent to stop timed workers.
    pub stop: bool,
    /// Number of workers started.
    pub workers: u32,
    /// One slot per worker.
    pub slots: [Slot; MAX_WORKERS],
}

/// Most workers one segment has slots for.
pub const MAX_WORKERS: usize = 64;

/// The value of worker `w`'s `i`-th operation.
fn value(w: u64, i: u64) -> u64 {
    (w + 1) * 1_000 + i % 997
}

/// Sum of `value(w, i)` for `i` in `0..n`.
fn expected_sum(w: u64, n: u64) -> u128 {
    let full = n / 997;
    let rest = n % 997;
    let per_cycle: u128 = (0..997u128).sum();
    let partial: u128 = (0..rest as u128).sum();
    u128::from(n) * u128::from((w + 1) * 1_000) + u128::from(full) * per_cycle + partial
}

const USAGE: &str = "\
counters: worker processes updating one shared-memory segment, totals checked exactly

USAGE:
    counters [--workers N] [--seconds S | --ops N] [--segment PATH] [--keep]

OPTIONS:
    --workers N     worker processes (default: number of cores, at least 2; at most 64)
    --seconds S     run for S seconds (default 3)
    --ops N         instead, each worker does exactly N operations
    --segment PATH  the segment file (default: a new file in this user's segment directory)
    --keep          keep the segment file afterwards (inspect it with the CLI)
    -h, --help      this text";

struct Options {
    workers: usize,
    seconds: f64,
    ops: Option<u64>,
    segment: Option<PathBuf>,
    keep: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        workers: std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .max(2),
        seconds: 3.0,
        ops: None,
        segment: None,
        keep: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--workers" => {
                o.workers = value("--workers")?
                    .parse()
                    .map_err(|_| "--workers takes a number".to_string())?
            }
            "--seconds" => {
                o.seconds = value("--seconds")?
                    .parse()
                    .map_err(|_| "--seconds takes a number".to_string())?
            }
            "--ops" => {
                o.ops = Some(
                    value("--ops")?
                        .parse()
                        .map_err(|_| "--ops takes a number".to_string())?,
                )
            }
            "--segment" => o.segment = Some(PathBuf::from(value("--segment")?)),
            "--keep" => o.keep = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.workers == 0 || o.workers > MAX_WORKERS {
        return Err(format!("--workers must be 1..={MAX_WORKERS}"));
    }
    if !(o.seconds > 0.0 && o.seconds.is_finite()) {
        return Err("--seconds must be positive".into());
    }
    Ok(o)
}

/// The worker: `counters worker PATH ID OPS` (OPS 0 = until the stop flag).
fn worker(path: &Path, id: u64, ops: u64) -> Result<(), String> {
    let seg = Segment::<Counters>::open(path).map_err(|e| e.to_string())?;
    let slot = &seg.slots()[id as usize];
    slot.pid().store(std::process::id());
    let mut name = [0u8; 16];
    let label = format!("worker-{id:02}");
    name[..label.len()].copy_from_slice(label.as_bytes());
    let mut i = 0u64;
    loop {
        if ops == 0 {
            // Check the stop flag every 256 operations: a cheap load in the hot loop.
            if i % 256 == 0 && seg.stop().load() {
                break;
            }
        } else if i == ops {
            break;
        }
        let step = 1u128 | (u128::from(value(id, i)) << 64);
        slot.progress().fetch_add(step);
        seg.ledger().fetch_add(step);
        seg.total().fetch_add(1);
        seg.last_writer().exchange(name);
        i += 1;
    }
    slot.done().store(true);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("worker") {
        let parsed = (|| -> Option<(PathBuf, u64, u64)> {
            Some((
                PathBuf::from(args.get(1)?),
                args.get(2)?.parse().ok()?,
                args.get(3)?.parse().ok()?,
            ))
        })();
        let Some((path, id, ops)) = parsed else {
            eprintln!("usage: counters worker PATH ID OPS");
            return ExitCode::from(2);
        };
        return match worker(&path, id, ops) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("worker {id}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let opts = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("counters: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("counters: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(o: &Options) -> Result<bool, String> {
    let path = match o.segment.clone() {
        Some(p) => p,
        None => shm_atomics::checked_default_dir()
            .map_err(|e| e.to_string())?
            .join(format!("counters-demo-{}", std::process::id())),
    };
    let seg = Segment::<Counters>::create(&path).map_err(|e| e.to_string())?;
    seg.workers().store(o.workers as u32);
    println!(
        "segment {} ({} bytes of layout {}, fingerprint {:#018x})",
        path.display(),
        Counters::SIZE,
        Counters::NAME,
        Counters::FINGERPRINT
    );
    let how = match o.ops {
        Some(n) => format!("{n} operations each"),
        None => format!("{} s", o.seconds),
    };
    println!(
        "{} worker processes, {how}; each operation = 2 x 16-byte fetch_add + 8-byte fetch_add + 16-byte exchange",
        o.workers
    );

    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut children: Vec<Child> = Vec::new();
    for id in 0..o.workers {
        let child = Command::new(&exe)
            .arg("worker")
            .arg(&path)
            .arg(id.to_string())
            .arg(o.ops.unwrap_or(0).to_string())
            .spawn()
            .map_err(|e| format!("cannot start worker {id}: {e}"))?;
        children.push(child);
    }

    // Live progress until every worker is done.
    let mut last = (Instant::now(), 0u64);
    let deadline = start + Duration::from_secs_f64(o.seconds);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let done = (0..o.workers).all(|w| seg.slots()[w].done().load());
        if o.ops.is_none() && Instant::now() >= deadline {
            seg.stop().store(true);
        }
        let total = seg.total().load();
        let now = Instant::now();
        let rate = (total - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
        last = (now, total);
        let last_writer = String::from_utf8_lossy(&seg.last_writer().load())
            .trim_end_matches('\0')
            .to_string();
        print!(
            "\r  {:>6.1} s  {:>12} ops  {:>7.2} M ops/s  last writer {:<10}",
            start.elapsed().as_secs_f64(),
            total,
            rate / 1e6,
            last_writer
        );
        let _ = std::io::stdout().flush();
        if done {
            break;
        }
        if children
            .iter_mut()
            .any(|c| matches!(c.try_wait(), Ok(Some(s)) if !s.success()))
        {
            seg.stop().store(true);
            println!();
            return Err("a worker failed".into());
        }
    }
    let elapsed = start.elapsed();
    println!();
    for (id, mut c) in children.into_iter().enumerate() {
        let status = c.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("worker {id} exited with {status}"));
        }
    }

    // Verify: every total exact.
    let snap = seg.snapshot();
    let mut ok = true;
    let mut ops_sum: u64 = 0;
    let mut value_sum: u128 = 0;
    for w in 0..o.workers {
        let p = snap.slots[w].progress;
        let (n, s) = (p as u64, p >> 64);
        let want = expected_sum(w as u64, n);
        if s != want {
            println!("  slot {w}: value sum {s} != expected {want} for {n} ops");
            ok = false;
        }
        if let Some(ops) = o.ops {
            if n != ops {
                println!("  slot {w}: {n} ops, expected {ops}");
                ok = false;
            }
        }
        ops_sum += n;
        value_sum += s;
    }
    let ledger_ops = snap.ledger as u64;
    let ledger_sum = snap.ledger >> 64;
    let checks = [
        (
            "total == sum of worker ops",
            u128::from(snap.total) == u128::from(ops_sum),
        ),
        ("ledger ops == sum of worker ops", ledger_ops == ops_sum),
        (
            "ledger value sum == sum of worker sums",
            ledger_sum == value_sum,
        ),
    ];
    for (what, pass) in checks {
        println!("  {:<42} {}", what, if pass { "ok" } else { "MISMATCH" });
        ok &= pass;
    }
    println!(
        "{} operations by {} processes in {:.2} s: {:.2} M ops/s ({:.1} M atomic RMWs/s) on this machine",
        snap.total,
        o.workers,
        elapsed.as_secs_f64(),
        snap.total as f64 / elapsed.as_secs_f64() / 1e6,
        4.0 * snap.total as f64 / elapsed.as_secs_f64() / 1e6
    );
    drop(seg);
    if o.keep {
        println!("kept {}", path.display());
    } else if let Err(e) = Segment::<Counters>::remove(&path) {
        eprintln!("counters: could not remove {}: {e}", path.display());
    }
    println!(
        "{}",
        if ok {
            "totals exact: OK"
        } else {
            "totals differ: FAILED"
        }
    );
    Ok(ok)
}
