//! `shma export` and `shma serve` (issue 23), measured as users run them: the `shma`
//! binary as a process.
//!
//! - export: one segment of 100,000 fields (`[u64; 100_000]`, and `[Port; 50_000]` whose
//!   two fields interleave two families), written to a file with `--output`; the wall
//!   time of the whole process (start-up, open, read, render, write, rename) and its
//!   peak resident memory (`wait4`'s `ru_maxrss`). Median and the slowest of the runs.
//! - serve: scrapes per second of one 1,000-field segment, from 4 client threads each
//!   scraping back to back (one connection per scrape) for 3 seconds.
//!
//! `cargo bench --bench export` (`-- --quick`: fewer runs, 1 s of scraping).
#![allow(missing_docs)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use shm_atomics::{Segment, atomic_layout};

#[atomic_layout]
pub struct Flat {
    pub vals: [u64; 100_000],
}

#[atomic_layout]
pub struct Port {
    pub rx_bytes: u64,
    pub errors_total: u64,
}

#[atomic_layout]
pub struct Ports {
    pub ports: [Port; 50_000],
}

#[atomic_layout]
pub struct Thousand {
    pub vals: [u64; 1000],
}

/// Runs `shma args` to completion: its wall time, CPU time (user and system) and peak
/// resident set in KiB.
// The child is reaped by `wait4` (which also gives its resource usage), not `wait`.
#[allow(clippy::zombie_processes)]
fn timed(args: &[&str]) -> (Duration, Duration, i64) {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("run shma");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(r, pid, "wait4 failed");
    let st = std::process::ExitStatus::from_raw(status);
    assert!(st.success(), "shma {args:?} failed: {st}");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (
        wall,
        tv(usage.ru_utime) + tv(usage.ru_stime),
        usage.ru_maxrss,
    )
}

fn export(name: &str, path: &Path, out: &Path, runs: usize) {
    let (p, o) = (path.to_str().expect("utf-8"), out.to_str().expect("utf-8"));
    let mut samples: Vec<(Duration, Duration, i64)> = (0..runs)
        .map(|_| timed(&["export", p, "--output", o]))
        .collect();
    samples.sort();
    let (median, _, rss) = samples[runs / 2];
    let worst = samples[runs - 1].0;
    let mut cpu: Vec<Duration> = samples.iter().map(|s| s.1).collect();
    cpu.sort();
    let lines = std::fs::read_to_string(out)
        .expect("read output")
        .lines()
        .count();
    println!(
        "export/{name:<24} {median:>9.1?} median wall, {worst:>9.1?} slowest of {runs}, \
         {:>9.1?} median CPU; peak RSS {} KiB; {lines} lines, {} bytes",
        cpu[runs / 2],
        rss,
        std::fs::metadata(out).expect("stat").len()
    );
}

/// Scrapes per second of `shma serve` on `dir` from `clients` threads for `secs`.
fn serve(dir: &Path, clients: usize, secs: f64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .arg(dir)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shma serve");
    let mut first = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut first)
        .expect("first line");
    let addr: SocketAddr = first
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.strip_suffix("/metrics"))
        .and_then(|a| a.parse().ok())
        .expect("address");
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (stop, done, bytes) = (Arc::clone(&stop), Arc::clone(&done), Arc::clone(&bytes));
            std::thread::spawn(move || {
                let mut buf = Vec::with_capacity(1 << 16);
                while !stop.load(Ordering::Relaxed) {
                    let mut s = TcpStream::connect(addr).expect("connect");
                    s.set_read_timeout(Some(Duration::from_secs(10)))
                        .expect("timeout");
                    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                        .expect("request");
                    buf.clear();
                    s.read_to_end(&mut buf).expect("answer");
                    assert!(buf.starts_with(b"HTTP/1.1 200 "), "not 200");
                    done.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(buf.len() as u64, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("client");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "serve/1000_fields/{clients}_clients   {:>9.0} scrapes/s ({n} scrapes in {elapsed:.2} s, \
         {} bytes each)",
        n as f64 / elapsed,
        bytes.load(Ordering::Relaxed) / n.max(1)
    );
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // `cargo test --benches` runs this with `--bench` absent: do one tiny round.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let (runs, secs) = match (smoke, quick) {
        (true, _) => (1, 0.2),
        (false, true) => (5, 1.0),
        (false, false) => (21, 3.0),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.prom");
    let segs = tempfile::tempdir().expect("tempdir");
    let flat = segs.path().join("flat");
    let seg = Segment::<Flat>::create(&flat).expect("create");
    for (i, v) in seg.vals().iter().enumerate() {
        v.store(i as u64 * 1_000_003);
    }
    export("100000_fields_flat", &flat, &out, runs);
    let ports = segs.path().join("ports");
    let seg = Segment::<Ports>::create(&ports).expect("create");
    for (i, p) in seg.ports().iter().enumerate() {
        p.rx_bytes().store(i as u64 * 1500);
    }
    export("100000_fields_2_families", &ports, &out, runs);
    let (base, _, _) = timed(&["--version"]);
    println!("(process start-up alone, shma --version: {base:.1?})");

    let one = tempfile::tempdir().expect("tempdir");
    let seg = Segment::<Thousand>::create(one.path().join("thousand")).expect("create");
    seg.vals()[7].store(7);
    serve(one.path(), 4, secs);
}
