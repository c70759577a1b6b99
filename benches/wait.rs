//! Waiting across processes, measured in one run: the round-trip latency of a ping-pong
//! between two processes through wait/notify on one `u32` of a segment, against a pipe
//! ping-pong and against spinning on the same field (median and 99th percentile, and
//! their ratios), then the CPU time an idle waiter uses over one second (the child's
//! `getrusage`), against a spinning and a 1 ms polling waiter.
//!
//! The partner process is this bench binary re-executed (`SHM_ATOMICS_WAIT_BENCH` says
//! what it plays). Each round trip is timed on its own with `Instant`.
//!
//! `cargo bench --bench wait` (`-- --quick` for fewer round trips)

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::{Segment, atomic_layout};

/// The shared word.
#[atomic_layout]
pub struct Ping {
    /// Round trips: odd = the partner's turn.
    pub turn: u32,
}

const ENV: &str = "SHM_ATOMICS_WAIT_BENCH";

/// How the partner (or the parent) waits for its turn.
#[derive(Clone, Copy)]
enum Mode {
    Futex,
    Spin,
}

/// Waits until `turn == want`.
fn await_turn(seg: &Ping, want: u32, mode: Mode) {
    loop {
        let v = seg.turn().load();
        if v == want {
            return;
        }
        match mode {
            Mode::Futex => {
                seg.turn().wait(v);
            }
            Mode::Spin => std::hint::spin_loop(),
        }
    }
}

fn pass(seg: &Ping, next: u32, mode: Mode) {
    seg.turn().store(next);
    if let Mode::Futex = mode {
        seg.turn().notify_one();
    }
}

/// The partner: answers `rounds` pings (or pipes bytes back until EOF).
fn partner(spec: &str) {
    let mut parts = spec.splitn(3, ':');
    let (what, rounds, path) = (
        parts.next().unwrap_or(""),
        parts
            .next()
            .and_then(|r| r.parse::<u32>().ok())
            .unwrap_or(0),
        parts.next().unwrap_or(""),
    );
    match what {
        "pipe" => {
            let (mut i, mut o) = (std::io::stdin().lock(), std::io::stdout().lock());
            let mut b = [0u8; 1];
            while i.read_exact(&mut b).is_ok() {
                if o.write_all(&b).and_then(|()| o.flush()).is_err() {
                    return;
                }
            }
        }
        "startup" => {
            let _seg = Segment::<Ping>::open(Path::new(path)).expect("open");
        }
        "idle" => {
            // One second blocked on a word nobody changes.
            let seg = Segment::<Ping>::open(Path::new(path)).expect("open");
            let _ = seg.turn().wait_timeout(0, Duration::from_secs(1));
        }
        "spin-idle" => {
            let seg = Segment::<Ping>::open(Path::new(path)).expect("open");
            let t = Instant::now();
            while seg.turn().load() == 0 && t.elapsed() < Duration::from_secs(1) {
                std::hint::spin_loop();
            }
        }
        "poll-idle" => {
            let seg = Segment::<Ping>::open(Path::new(path)).expect("open");
            let t = Instant::now();
            while seg.turn().load() == 0 && t.elapsed() < Duration::from_secs(1) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        m => {
            let mode = if m == "spin" { Mode::Spin } else { Mode::Futex };
            let seg = Segment::<Ping>::open(Path::new(path)).expect("open");
            for r in 0..rounds {
                await_turn(&seg, 2 * r + 1, mode);
                pass(&seg, 2 * r + 2, mode);
            }
        }
    }
}

/// Round-trip times in nanoseconds, sorted.
fn ping_pong(path: &Path, rounds: u32, mode: Mode) -> Vec<u64> {
    let seg = Segment::<Ping>::open(path).expect("open");
    seg.turn().store(0);
    let name = if let Mode::Spin = mode {
        "spin"
    } else {
        "futex"
    };
    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .env(ENV, format!("{name}:{rounds}:{}", path.display()))
        .spawn()
        .expect("spawn partner");
    let mut times = Vec::with_capacity(rounds as usize);
    for r in 0..rounds {
        let t = Instant::now();
        pass(&seg, 2 * r + 1, mode);
        await_turn(&seg, 2 * r + 2, mode);
        times.push(t.elapsed().as_nanos() as u64);
    }
    assert!(child.wait().expect("wait").success());
    times.sort_unstable();
    times
}

fn pipe_pong(rounds: u32) -> Vec<u64> {
    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .env(ENV, "pipe:0:")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn partner");
    let mut to = child.stdin.take().expect("stdin");
    let mut from = child.stdout.take().expect("stdout");
    let mut times = Vec::with_capacity(rounds as usize);
    let mut b = [7u8; 1];
    for _ in 0..rounds {
        let t = Instant::now();
        to.write_all(&b).expect("write");
        from.read_exact(&mut b).expect("read");
        times.push(t.elapsed().as_nanos() as u64);
    }
    drop(to);
    assert!(child.wait().expect("wait").success());
    times.sort_unstable();
    times
}

/// The CPU time (user + system) of all reaped children so far (`RUSAGE_CHILDREN`).
fn children_cpu() -> Duration {
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is valid for writes; getrusage only fills it.
    let r = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(r, 0, "getrusage");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// The CPU time (user + system) of one child that idles for about a second: the
/// children's total after reaping it, minus before (the children run one at a time).
fn idle_cpu(path: &Path, what: &str) -> Duration {
    Segment::<Ping>::open(path).expect("open").turn().store(0);
    let before = children_cpu();
    let status = Command::new(std::env::current_exe().expect("exe"))
        .env(ENV, format!("{what}:0:{}", path.display()))
        .status()
        .expect("run child");
    assert!(status.success());
    children_cpu().saturating_sub(before)
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    if let Ok(spec) = std::env::var(ENV) {
        return partner(&spec);
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5_000 } else { 50_000 };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ping");
    let _seg = Segment::<Ping>::create(&path).expect("create");

    let futex = ping_pong(&path, rounds, Mode::Futex);
    let pipe = pipe_pong(rounds);
    let spin = ping_pong(&path, rounds, Mode::Spin);
    println!("cross-process round trip, {rounds} each (ns):");
    println!("{:<28} {:>9} {:>9}", "", "median", "p99");
    for (name, t) in [
        ("wait/notify (futex)", &futex),
        ("pipe (1 byte each way)", &pipe),
        ("spin on the same field", &spin),
    ] {
        println!("{name:<28} {:>9} {:>9}", pct(t, 0.5), pct(t, 0.99));
    }
    let ratio = |a: &[u64], b: &[u64], p| pct(a, p) as f64 / pct(b, p).max(1) as f64;
    println!(
        "ratios: pipe/futex median {:.2}x p99 {:.2}x; futex/spin median {:.2}x p99 {:.2}x",
        ratio(&pipe, &futex, 0.5),
        ratio(&pipe, &futex, 0.99),
        ratio(&futex, &spin, 0.5),
        ratio(&futex, &spin, 0.99),
    );
    println!("CPU time of a waiter idle for 1 s (child's getrusage, user + system):");
    for (name, what) in [
        ("start-up only (baseline)", "startup"),
        ("wait_timeout (futex)", "idle"),
        ("poll every 1 ms", "poll-idle"),
        ("spin", "spin-idle"),
    ] {
        println!("{name:<28} {:>12.3?}", idle_cpu(&path, what));
    }
}
