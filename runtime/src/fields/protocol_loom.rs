//! A loom model of the seqlock protocol (`protocol.rs`): the same `begin_write`,
//! `end_write` and `read` code, run on loom's atomics, with a record of two relaxed
//! atomics. loom explores the interleavings (and the weak-memory outcomes of the relaxed
//! and acquire/release operations) of writers, readers and a writer killed after its
//! first sequence store. Run with
//! `RUSTFLAGS="--cfg loom" cargo test -p shm-atomics-runtime --release --lib protocol_loom`.

use core::sync::atomic::Ordering::{self, Relaxed, SeqCst};
use std::sync::Arc;

use loom::sync::atomic::{AtomicBool, AtomicU64, fence};
use loom::thread;

use super::protocol::{self, Refusal, SeqEnv};

const KILLED: u32 = 66;

/// The shared state: the sequence word, a two-field record, and whether the killed
/// writer has stopped (what `kill(pid, 0)` would tell).
struct Model {
    word: AtomicU64,
    data: [AtomicU64; 2],
    killed_stopped: AtomicBool,
}

struct Env<'a> {
    m: &'a Model,
    me: u32,
}

impl SeqEnv for Env<'_> {
    fn load(&self, o: Ordering) -> u64 {
        self.m.word.load(o)
    }
    fn store(&self, v: u64, o: Ordering) {
        self.m.word.store(v, o)
    }
    fn cas(&self, c: u64, n: u64, s: Ordering, f: Ordering) -> Result<u64, u64> {
        self.m.word.compare_exchange(c, n, s, f)
    }
    fn fence(&self, o: Ordering) {
        fence(o)
    }
    fn relax(&self, _: u32) {
        thread::yield_now()
    }
    fn alive(&self, pid: u32) -> bool {
        !(pid == KILLED && self.m.killed_stopped.load(SeqCst))
    }
    fn me(&self) -> u32 {
        self.me
    }
}

fn model() -> Arc<Model> {
    Arc::new(Model {
        word: AtomicU64::new(0),
        data: [AtomicU64::new(0), AtomicU64::new(0)],
        killed_stopped: AtomicBool::new(false),
    })
}

fn write(m: &Model, me: u32, v: u64) {
    let env = Env { m, me };
    let t = protocol::begin_write(&env, None).expect("unbounded");
    m.data[0].store(v, Relaxed);
    m.data[1].store(v, Relaxed);
    protocol::end_write(&env, &t, true);
}

fn read(m: &Model) -> Result<(u64, u64), Refusal> {
    let env = Env { m, me: 1 };
    let mut out = (0, 0);
    protocol::read(
        &env,
        || out = (m.data[0].load(Relaxed), m.data[1].load(Relaxed)),
        false,
        None,
    )?;
    Ok(out)
}

fn builder() -> loom::model::Builder {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(2);
    b
}

/// Two writers and a reader: every read is whole, the writers never interleave, and the
/// final record is one writer's, after four sequence steps.
#[test]
fn protocol_loom_two_writers_one_reader() {
    builder().check(|| {
        let m = model();
        let ws: std::vec::Vec<_> = (1..=2u64)
            .map(|v| {
                let m = m.clone();
                thread::spawn(move || write(&m, 10 + v as u32, v))
            })
            .collect();
        let (a, b) = read(&m).expect("no writer dies");
        assert_eq!(a, b, "a mixed read");
        for w in ws {
            w.join().expect("writer");
        }
        let (a, b) = read(&m).expect("whole");
        assert!(a == b && (a == 1 || a == 2));
        assert_eq!(protocol::counter(m.word.load(SeqCst)), 4);
    });
}

/// A writer killed after its first sequence store (it stores half of the record and
/// stops), a reader and a second writer: the reader gets a whole record, or
/// `DeadWriter`/`Torn` naming the killed writer, never a mixed one and never a hang; the
/// second writer takes over and its whole record ends up published and not torn.
#[test]
fn protocol_loom_killed_writer() {
    builder().check(|| {
        let m = model();
        let killed = {
            let m = m.clone();
            thread::spawn(move || {
                let env = Env { m: &m, me: KILLED };
                let _t = protocol::begin_write(&env, None).expect("unbounded");
                m.data[0].store(9, Relaxed);
                // Killed here: no second store, no end_write.
                m.killed_stopped.store(true, SeqCst);
            })
        };
        let writer = {
            let m = m.clone();
            thread::spawn(move || write(&m, 20, 5))
        };
        match read(&m) {
            Ok((a, b)) => assert_eq!(a, b, "a mixed read"),
            Err(Refusal::DeadWriter(p)) | Err(Refusal::Torn(p)) => assert_eq!(p, KILLED),
            Err(e) => panic!("unexpected {e:?}"),
        }
        killed.join().expect("killed");
        writer.join().expect("writer");
        // Either the writer went first (then the killed one holds the record: dead) or
        // the writer took the record over from the killed one and rewrote it whole.
        match read(&m) {
            Ok(v) => assert_eq!(v, (5, 5)),
            Err(Refusal::DeadWriter(p)) => assert_eq!(p, KILLED),
            Err(e) => panic!("unexpected {e:?}"),
        }
    });
}
