//! No lost wake-up under stress: producer and consumer processes with random delays,
//! handing items over through an `Event` in a segment.

use std::path::Path;
use std::process::Child;

use shm_atomics::{Event, Segment, atomic_layout};

use crate::{PATIENCE, Rng, worker};

const PRODUCERS: u64 = 2;
const CONSUMERS: u64 = 3;
const PER_PRODUCER: usize = 1500;
const ITEMS: usize = PRODUCERS as usize * PER_PRODUCER;

#[atomic_layout]
pub struct Queue {
    /// Items published (item `i` exists when `produced > i`).
    pub produced: u64,
    /// Items claimed by consumers (each claims the next index by compare-exchange).
    pub claimed: u64,
    /// How often each item was consumed: all must end at exactly 1.
    pub consumed_by: [u32; ITEMS],
    /// Items consumed (the parent waits for all of them, without a `done` signal, so a
    /// lost wake-up leaves it waiting until PATIENCE and fails).
    pub consumed: u32,
    /// Set by the parent after everything was consumed: consumers leave.
    pub done: u32,
    /// Notified after every new item and when `done` is set.
    pub work: Event,
    /// Consumers whose wait timed out, and consumers that left.
    pub timed_out: u32,
    pub left: u32,
}

const ENV: &str = "SHM_ATOMICS_WAIT_STRESS";

fn producer(seg: &Queue, id: u64) {
    let mut rng = Rng(0x9e37_79b9 ^ (id + 1).wrapping_mul(0x1234_5678_9abc_def1));
    for _ in 0..PER_PRODUCER {
        rng.delay();
        seg.produced().inc();
        // Alternate the two notifications; both must be enough.
        if rng.next_u64() % 2 == 0 {
            seg.work().notify_one();
        } else {
            seg.work().notify_all();
        }
    }
}

fn consumer(seg: &Queue, id: u64) {
    let mut rng = Rng(0xdead_beef ^ (id + 7).wrapping_mul(0x0bad_cafe_f00d_1234));
    loop {
        let woke = seg.work().wait_until(
            || seg.claimed().load() < seg.produced().load() || seg.done().load() != 0,
            Some(PATIENCE),
        );
        if !woke {
            seg.timed_out().inc();
            break;
        }
        let c = seg.claimed().load();
        if c < seg.produced().load() {
            if seg.claimed().cmpxchg_strong(c, c + 1).success {
                rng.delay();
                seg.consumed_by()[c as usize].inc();
                seg.consumed().inc();
                seg.consumed().notify_all();
            }
        } else if seg.done().load() != 0 {
            break;
        }
    }
    seg.left().inc();
}

/// Proves the `Event` protocol loses no wake-up: items are only ever announced by a
/// notification, the parent waits for all of them to be consumed before it sets `done`
/// (so a lost wake-up would strand an item and fail the bounded wait), every item is
/// consumed exactly once, and every consumer leaves its wait when told.
#[test]
fn producers_and_consumers_lose_no_wake_up() {
    if let Ok(spec) = std::env::var(ENV) {
        let mut parts = spec.splitn(3, ':');
        let (role, id, path) = (
            parts.next().expect("role"),
            parts.next().expect("id").parse().expect("numeric id"),
            parts.next().expect("path"),
        );
        let seg = Segment::<Queue>::open(Path::new(path)).expect("worker opens");
        match role {
            "p" => producer(&seg, id),
            _ => consumer(&seg, id),
        }
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("queue");
    let seg = Segment::<Queue>::create(&path).expect("create");
    let spawn = |role: &str, id: u64| -> Child {
        worker(
            test_name!(producers_and_consumers_lose_no_wake_up),
            ENV,
            format!("{role}:{id}:{}", path.display()),
        )
        .spawn()
        .expect("spawn")
    };
    let consumers: Vec<Child> = (0..CONSUMERS).map(|i| spawn("c", i)).collect();
    let producers: Vec<Child> = (0..PRODUCERS).map(|i| spawn("p", i)).collect();
    for mut p in producers {
        assert!(
            crate::common::wait_or_kill(&mut p, "a worker").success(),
            "a producer failed"
        );
    }
    assert_eq!(seg.produced().load(), ITEMS as u64);
    // Every item consumed, through notifications alone.
    loop {
        let seen = seg.consumed().load();
        if seen as usize == ITEMS {
            break;
        }
        let r = seg.consumed().wait_timeout(seen, PATIENCE);
        assert!(
            r.changed(),
            "stuck at {seen} of {ITEMS} consumed: a wake-up was lost"
        );
    }
    seg.done().store(1);
    seg.work().notify_all();
    for mut c in consumers {
        assert!(
            crate::common::wait_or_kill(&mut c, "a worker").success(),
            "a consumer failed"
        );
    }
    assert_eq!(
        seg.left().load(),
        CONSUMERS as u32,
        "every consumer left its wait"
    );
    assert_eq!(seg.timed_out().load(), 0, "no consumer timed out");
    assert_eq!(seg.claimed().load(), ITEMS as u64);
    let by = seg.snapshot().consumed_by;
    let wrong: Vec<(usize, u32)> = by
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, n)| n != 1)
        .collect();
    assert!(
        wrong.is_empty(),
        "items not consumed exactly once: {wrong:?}"
    );
}
