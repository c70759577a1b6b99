//! Measurement helpers shared by the criterion suites (`benches/`) and the one-run report
//! (`benches/report/`), so both measure the same way.
#![allow(dead_code)]

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use shm_atomics::atomic_layout;

/// The segment that two worker processes (or two threads) share in the
/// processes-vs-threads measurement.
#[atomic_layout]
pub struct Shared {
    /// The counter both workers update.
    #[atomic(align = 64)]
    pub counter: u64,
    /// Set to start the workers.
    #[atomic(align = 64)]
    pub go: bool,
    /// Workers ready to start.
    pub ready: u32,
    /// When each worker started its loop (ns of the system clock: comparable across
    /// processes, unlike `Instant`).
    pub start_ns: [u64; 2],
    /// When each worker finished its loop.
    pub end_ns: [u64; 2],
    /// The CPU time each worker's thread spent in its loop (ns).
    pub cpu_ns: [u64; 2],
}

/// Most threads the per-thread layouts have counters for.
pub const MAX_THREADS: usize = 16;

/// Per-thread counters side by side: eight share each cache line.
#[atomic_layout]
pub struct Adjacent {
    /// Counter of thread `i`.
    pub counters: [u64; MAX_THREADS],
}

/// One thread's counter on its own cache line.
#[atomic_layout]
pub struct Slot {
    /// The counter.
    #[atomic(align = 64)]
    pub count: u64,
}

/// Per-thread counters, one cache line each.
#[atomic_layout]
pub struct Padded {
    /// Slot of thread `i`.
    pub slots: [Slot; MAX_THREADS],
}

/// The CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`).
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant of this OS.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A parallel measurement: the wall time from the first worker's start to the last
/// one's end, and the CPU time all workers spent in their loops over it.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    /// From the first start to the last end.
    pub wall: Duration,
    /// The workers' CPU time in their loops, summed.
    pub cpu: Duration,
}

impl Span {
    /// How many workers ran at once on average: CPU time / wall time. With two workers
    /// it is 2.0 when they overlapped the whole time and 1.0 when one ran after the
    /// other (a busy machine time-slicing them): a ratio measured then says nothing about
    /// two cores sharing a cache line.
    pub fn overlap(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-12)
    }
}

/// Nanoseconds since the Unix epoch by the system clock, which every process reads alike.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// A worker: announce, wait for the start flag, do `ops` increments of the shared
/// counter, record when the loop started and ended.
pub fn shared_work(seg: &Shared, id: usize, ops: u64) {
    seg.ready().inc();
    while !seg.go().load() {
        std::thread::yield_now();
    }
    seg.start_ns()[id].store(now_ns());
    let cpu = thread_cpu();
    let counter = seg.counter();
    for _ in 0..ops {
        black_box(counter.fetch_add(1));
    }
    seg.cpu_ns()[id].store((thread_cpu() - cpu).as_nanos() as u64);
    seg.end_ns()[id].store(now_ns());
}

/// Resets the control fields, starts two workers with `start`, releases them when both
/// are ready, waits with the closure `start` returned, and returns the time from the first
/// worker's start to the last one's end, as the workers recorded them (so process
/// start-up and exit are not measured).
pub fn shared_sample(seg: &Shared, start: impl FnOnce() -> Box<dyn FnOnce()>) -> Duration {
    shared_span(seg, start).wall
}

/// [`shared_sample`] with the workers' CPU time.
pub fn shared_span(seg: &Shared, start: impl FnOnce() -> Box<dyn FnOnce()>) -> Span {
    seg.go().store(false);
    seg.ready().store(0);
    let wait = start();
    while seg.ready().load() < 2 {
        std::thread::yield_now();
    }
    seg.go().store(true);
    wait();
    let first = (0..2).map(|i| seg.start_ns()[i].load()).min().unwrap_or(0);
    let last = (0..2).map(|i| seg.end_ns()[i].load()).max().unwrap_or(0);
    Span {
        wall: Duration::from_nanos(last.saturating_sub(first)),
        cpu: Duration::from_nanos((0..2).map(|i| seg.cpu_ns()[i].load()).sum()),
    }
}

/// Runs `work(thread, ops)` on `threads` threads, `total` operations split among them,
/// started together; returns the time from the first thread's start to the last one's end.
pub fn run_threads(threads: usize, total: u64, work: &(dyn Fn(usize, u64) + Sync)) -> Duration {
    run_threads_span(threads, total, work).wall
}

/// [`run_threads`] with the threads' CPU time in `work`.
pub fn run_threads_span(threads: usize, total: u64, work: &(dyn Fn(usize, u64) + Sync)) -> Span {
    // A spinning barrier: a thread woken from a blocking one can start milliseconds
    // after the others on a busy machine, and that would be timed.
    let arrived = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let arrived = &arrived;
                let ops = total / threads as u64 + u64::from((t as u64) < total % threads as u64);
                s.spawn(move || {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    while arrived.load(Ordering::SeqCst) < threads {
                        std::thread::yield_now();
                    }
                    let start = Instant::now();
                    let cpu = thread_cpu();
                    work(t, ops);
                    let cpu = thread_cpu() - cpu;
                    (start, Instant::now(), cpu)
                })
            })
            .collect();
        let spans: Vec<(Instant, Instant, Duration)> = handles
            .into_iter()
            .map(|h| h.join().expect("bench thread"))
            .collect();
        // From the first start to the last end: with more threads than cores, a thread
        // that runs after the others must count.
        let first = spans.iter().map(|s| s.0).min().expect("a thread");
        let last = spans.iter().map(|s| s.1).max().expect("a thread");
        Span {
            wall: last - first,
            cpu: spans.iter().map(|s| s.2).sum(),
        }
    })
}
