//! Blocking waits across processes (`Atomic::wait`/`notify_*` on 32-bit cells, `Event`),
//! one module per concern:
//! - `pingpong`: two processes hand a token back and forth 100,000 times;
//! - `wake`: `notify_all` wakes all 8 waiting processes, `notify_one` exactly one per
//!   call, a waiter killed with SIGKILL disturbs nobody;
//! - `stress`: producers and consumers with random delays on an `Event` in a segment:
//!   every item consumed exactly once, no consumer left waiting;
//! - `timeouts`: time-outs return `TimedOut` (the outcome only, never the time);
//! - `c`: C processes waiting and notifying alongside Rust ones through the header;
//! - `dynamic`: the dynamic views of `RawSegment::field` waiting and notifying across
//!   processes, and refusing widths other than 4.
//!
//! The multi-process tests re-run this test binary as their workers, selecting one test
//! by its full name (`test_name!`, in `tests/common/mod.rs`).
#![allow(missing_docs)]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;
#[path = "../common/futex.rs"]
mod futex;

mod c;
mod dynamic;
mod pingpong;
mod stress;
mod timeouts;
mod wake;

use std::process::Command;

use shm_atomics::Atomic;
use std::time::{Duration, Instant};

/// A generous bound for anything that should happen "soon": only hit when a wake-up is
/// lost, and then the test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Starts this test binary as a worker running only `test`, with `env = spec`.
pub fn worker(test: &str, env: &str, spec: String) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test binary path"));
    c.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(env, spec);
    c
}

/// Polls `cond` (test scaffolding, not the code under test) until it holds.
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Records the calling thread in the first free slot of `pids`/`tids` (claimed with
/// `registered`), so the parent can look at that very thread: a worker is a libtest
/// binary whose other threads may sit in futex calls of their own.
pub fn register(registered: &Atomic<u32>, pids: &[Atomic<u32>], tids: &[Atomic<u32>]) {
    let i = registered.fetch_add(1) as usize;
    // SAFETY: gettid has no preconditions and cannot fail.
    let tid = unsafe { libc::syscall(libc::SYS_gettid) } as u32;
    tids[i].store(tid);
    pids[i].store(std::process::id());
}

/// Whether the thread that process `pid` registered (see [`register`]) is inside the
/// futex system call right now (`/proc/PID/task/TID/syscall` starts with its number):
/// asleep in the kernel, not spinning or polling.
pub fn asleep(pid: u32, pids: &[Atomic<u32>], tids: &[Atomic<u32>]) -> bool {
    pids.iter()
        .position(|p| p.load() == pid)
        .is_some_and(|i| futex::thread_in_futex(pid, tids[i].load()))
}

/// xorshift64*: a small deterministic generator for random delays.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Nothing, a yield, a short spin or a sleep of up to 50 µs.
    pub fn delay(&mut self) {
        match self.next_u64() % 8 {
            0 => std::thread::yield_now(),
            1 => std::thread::sleep(Duration::from_micros(self.next_u64() % 50)),
            2 => (0..self.next_u64() % 2000).for_each(|_| std::hint::spin_loop()),
            _ => {}
        }
    }
}
