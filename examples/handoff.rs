//! A producer process hands work to consumer processes through a segment, with no busy
//! waiting: consumers sleep on an `Event` until there is a job, the producer sleeps on
//! another until there is room in the ring (or the work is done).
//!
//! ```text
//! cargo run --release --example handoff -- [--consumers N] [--jobs N]
//! ```
//!
//! The producer (this process) creates the segment, starts the consumers (this same
//! program with `--consumer PATH`), publishes jobs into a ring of 64 slots and checks at
//! the end that every job was done exactly once (the sum of the results is exact).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

use shm_atomics::{Event, Segment, atomic_layout};

const RING: u64 = 64;
/// Nothing in this example should take this long; a hang becomes an error message.
const PATIENCE: Option<Duration> = Some(Duration::from_secs(60));

/// The state the producer and the consumers share.
#[atomic_layout]
pub struct Handoff {
    /// Jobs published; job `i` sits in `ring[i % 64]` while `finished <= i`.
    pub produced: u64,
    /// Jobs claimed by a consumer (by compare-exchange, so each exactly once).
    pub claimed: u64,
    /// Jobs done.
    pub finished: u64,
    /// The sum of their results.
    pub results: u64,
    /// Set when no more jobs will come.
    pub closed: bool,
    /// Notified after each new job and on close: consumers wait on it.
    pub work: Event,
    /// Notified after each finished job: the producer waits on it for room.
    pub done: Event,
    /// The jobs in flight.
    pub ring: [u64; 64],
}

/// The work: a job's result.
fn process(job: u64) -> u64 {
    job.wrapping_mul(job) % 1_000_003
}

fn consumer(path: &Path) -> Result<(), String> {
    let seg = Segment::<Handoff>::open(path).map_err(|e| e.to_string())?;
    loop {
        // Asleep in the kernel until a job is there or the producer closes.
        let ready = seg.work().wait_until(
            || seg.claimed().load() < seg.produced().load() || seg.closed().load(),
            PATIENCE,
        );
        if !ready {
            return Err("no job and no close for 60 s".into());
        }
        let i = seg.claimed().load();
        if i < seg.produced().load() {
            if seg.claimed().cmpxchg_strong(i, i + 1).success {
                let job = seg.ring()[(i % RING) as usize].load();
                seg.results().add(process(job));
                seg.finished().inc();
                seg.done().notify_all();
            }
        } else if seg.closed().load() {
            return Ok(());
        }
    }
}

fn producer(consumers: usize, jobs: u64) -> Result<(), String> {
    let dir = std::env::temp_dir();
    let path: PathBuf = dir.join(format!("shm-atomics-handoff-{}", std::process::id()));
    let seg = Segment::<Handoff>::create(&path).map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut kids: Vec<Child> = (0..consumers)
        .map(|_| Command::new(&exe).arg("--consumer").arg(&path).spawn())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot start a consumer: {e}"))?;
    let start = Instant::now();
    let mut want = 0u64;
    for i in 0..jobs {
        // Room in the ring: job i - 64 must be finished before its slot is reused.
        if !seg
            .done()
            .wait_until(|| seg.finished().load() + RING > i, PATIENCE)
        {
            return Err("the consumers stopped".into());
        }
        let job = i * 7 + 1;
        want = want.wrapping_add(process(job));
        seg.ring()[(i % RING) as usize].store(job);
        seg.produced().store(i + 1);
        seg.work().notify_one();
    }
    if !seg
        .done()
        .wait_until(|| seg.finished().load() == jobs, PATIENCE)
    {
        return Err("the consumers stopped".into());
    }
    let took = start.elapsed();
    seg.closed().store(true);
    seg.work().notify_all();
    for k in &mut kids {
        let status = k.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("a consumer failed: {status}"));
        }
    }
    let _ = std::fs::remove_file(&path);
    let got = seg.results().load();
    if got != want || seg.claimed().load() != jobs {
        return Err(format!(
            "results {got} != expected {want}: a job was lost or doubled"
        ));
    }
    println!(
        "{jobs} jobs handed to {consumers} consumer processes in {took:.2?} \
         ({:.0} ns per job), every result exact; nobody spun while waiting",
        took.as_nanos() as f64 / jobs as f64
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str, default: u64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map_or(Ok(default), |v| {
                v.parse().map_err(|_| format!("{flag}: not a number: {v}"))
            })
    };
    let result = if let Some(i) = args.iter().position(|a| a == "--consumer") {
        match args.get(i + 1) {
            Some(p) => consumer(Path::new(p)),
            None => Err("--consumer needs the segment path".into()),
        }
    } else {
        value("--consumers", 3)
            .and_then(|c| value("--jobs", 100_000).and_then(|j| producer(c as usize, j)))
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handoff: {e}");
            ExitCode::FAILURE
        }
    }
}
