//! How many processes a notification wakes: `notify_all` all 8, `notify_one` exactly one
//! per call, and a waiter killed with SIGKILL while asleep disturbs nobody.

use std::path::Path;
use std::process::Child;

use shm_atomics::{Segment, WaitOutcome, atomic_layout};

use crate::{PATIENCE, asleep, eventually, register, worker};

#[atomic_layout]
pub struct Gate {
    /// 0 while closed; the waiters block on it.
    pub gate: u32,
    /// Waiters that left their wait (each adds one, then notifies this word).
    pub woken: u32,
    /// Waiters whose wait ended in `TimedOut` (a lost wake-up).
    pub timed_out: u32,
    /// Each waiter's process and waiting thread (see `register`).
    pub registered: u32,
    pub pids: [u32; 8],
    pub tids: [u32; 8],
}

const ENV: &str = "SHM_ATOMICS_WAIT_GATE";

/// A waiter: blocks on `gate == 0`, then counts itself and exits.
fn gate_waiter(path: &Path) {
    let seg = Segment::<Gate>::open(path).expect("waiter opens");
    register(seg.registered(), seg.pids(), seg.tids());
    if seg.gate().wait_timeout(0, PATIENCE) == WaitOutcome::TimedOut {
        seg.timed_out().inc();
    }
    seg.woken().inc();
    seg.woken().notify_all();
}

/// Creates a gate segment and `n` waiter processes, and returns once every one of them
/// is asleep in the futex call.
fn waiters(dir: &Path, test: &str, n: usize) -> (Segment<Gate>, Vec<Child>) {
    let path = dir.join("gate");
    let seg = Segment::<Gate>::create(&path).expect("create");
    let kids: Vec<Child> = (0..n)
        .map(|_| {
            worker(test, ENV, path.display().to_string())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for k in &kids {
        eventually("a waiter asleep in futex", || {
            asleep(k.id(), seg.pids(), seg.tids())
        });
    }
    (seg, kids)
}

fn reap(kids: Vec<Child>) {
    for mut k in kids {
        let status = crate::common::wait_or_kill(&mut k, "a worker");
        assert!(status.success(), "waiter failed: {status}");
    }
}

/// Proves `notify_all` wakes every waiting process at once: all 8 are asleep in the
/// kernel when it runs, it reports 8 woken, and all 8 leave their wait without timing out.
#[test]
fn notify_all_wakes_all_eight_waiting_processes() {
    if let Ok(path) = std::env::var(ENV) {
        return gate_waiter(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (seg, kids) = waiters(
        dir.path(),
        test_name!(notify_all_wakes_all_eight_waiting_processes),
        8,
    );
    seg.gate().store(1);
    assert_eq!(
        seg.gate().notify_all(),
        Some(8),
        "all 8 were asleep on the gate"
    );
    reap(kids);
    assert_eq!(seg.woken().load(), 8);
    assert_eq!(seg.timed_out().load(), 0);
}

/// Proves `notify_one` wakes exactly one process per call: after each call one more
/// waiter (never two) has left, and the others stay asleep until their own call.
#[test]
fn notify_one_wakes_exactly_one_process_per_call() {
    if let Ok(path) = std::env::var(ENV) {
        return gate_waiter(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (seg, mut kids) = waiters(
        dir.path(),
        test_name!(notify_one_wakes_exactly_one_process_per_call),
        8,
    );
    // Open the gate without waking anyone: nobody may leave before a notification.
    seg.gate().store(1);
    for (exited, call) in (1..=8u32).enumerate() {
        assert_eq!(
            seg.gate().notify_one(),
            Some(1),
            "call {call} woke one sleeper"
        );
        // Bounded wait for the woken waiter to count itself.
        while seg.woken().load() < call {
            let seen = seg.woken().load();
            let r = seg.woken().wait_timeout(seen, PATIENCE);
            assert_ne!(r, WaitOutcome::TimedOut, "nobody woke after call {call}");
        }
        assert_eq!(seg.woken().load(), call, "call {call} woke more than one");
        // Exactly one more process gone; the rest still asleep in the kernel.
        eventually("the woken waiter to exit", || {
            let mut gone = 0;
            for k in kids.iter_mut() {
                gone += usize::from(k.try_wait().expect("try_wait").is_some());
            }
            gone == exited + 1
        });
        for k in kids.iter_mut() {
            if k.try_wait().expect("try_wait").is_none() {
                assert!(
                    asleep(k.id(), seg.pids(), seg.tids()),
                    "an un-notified waiter left the kernel"
                );
            }
        }
    }
    reap(kids);
    assert_eq!(seg.woken().load(), 8);
    assert_eq!(seg.timed_out().load(), 0);
}

/// Proves a waiter killed with SIGKILL while asleep on the word leaves no trace: the
/// other three are still woken (the kernel reports exactly 3) and leave normally.
#[test]
fn a_waiter_killed_with_sigkill_disturbs_no_one() {
    if let Ok(path) = std::env::var(ENV) {
        return gate_waiter(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (seg, mut kids) = waiters(
        dir.path(),
        test_name!(a_waiter_killed_with_sigkill_disturbs_no_one),
        4,
    );
    let mut victim = kids.remove(1);
    victim.kill().expect("SIGKILL");
    let status = crate::common::wait_or_kill(&mut victim, "reap victim");
    assert!(!status.success(), "the victim was killed");
    seg.gate().store(1);
    assert_eq!(
        seg.gate().notify_all(),
        Some(3),
        "the 3 survivors were woken"
    );
    reap(kids);
    assert_eq!(seg.woken().load(), 3);
    assert_eq!(seg.timed_out().load(), 0);
}
