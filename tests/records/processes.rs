//! Real processes on one segment: two writers and two readers that never see a mixed
//! record, writers killed with SIGKILL at random points of their write loop, striped
//! counters added to from two processes.

use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use shm_atomics::{Segment, Seq, SeqError, Striped, atomic_layout};

/// Eight counters that every write sets to one value.
#[atomic_layout]
pub struct Rec8 {
    pub f: [u64; 8],
}

#[atomic_layout]
pub struct Board {
    pub rec: Seq<Rec8>,
    pub started: u32,
    pub reads: u64,
    pub hits: Striped<u64, 16>,
    pub plain: u64,
}

pub fn rec(v: u64) -> Rec8Snapshot {
    Rec8Snapshot { f: [v; 8] }
}

pub fn assert_whole(r: &Rec8Snapshot) {
    assert!(
        r.f.iter().all(|&x| x == r.f[0]),
        "a mixed record: {:?}",
        r.f
    );
}

pub fn worker(test: &str, env: &str, spec: String) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test binary path"));
    c.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(env, spec);
    c
}

fn wait_for_all(seg: &Segment<Board>, n: u32) {
    seg.started().fetch_add(1);
    let start = Instant::now();
    while seg.started().load() < n {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the others never came"
        );
        std::thread::yield_now();
    }
}

const MIXED_ENV: &str = "SHMA_RECORDS_MIXED";
const UPDATES: u64 = 40_000;
const MIN_READS: u64 = 1_000_000;

fn mixed_worker(path: &Path, role: &str) {
    let seg = Segment::<Board>::open(path).expect("worker opens the segment");
    wait_for_all(&seg, 4);
    match role {
        "writer" => {
            for _ in 0..UPDATES {
                seg.rec()
                    .update(|r| *r = rec(r.f[0] + 1))
                    .expect("no writer dies here");
            }
        }
        _ => {
            let mut n = 0u64;
            let mut last = 0;
            let mut progress = Instant::now();
            loop {
                assert!(
                    progress.elapsed() < crate::common::CHILD_DEADLINE,
                    "the writers stopped at {last} of {}",
                    2 * UPDATES
                );
                let r = seg.rec().read().expect("a whole record");
                assert_whole(&r);
                assert!(r.f[0] >= last, "the counter went back");
                if r.f[0] > last {
                    progress = Instant::now();
                }
                last = r.f[0];
                n += 1;
                if last == 2 * UPDATES && n >= MIN_READS {
                    break;
                }
            }
            seg.reads().fetch_add(n);
        }
    }
}

/// Two writer processes increment every field of one record with `update` while two
/// reader processes read it at least a million times each: no read is ever mixed (the
/// eight fields always equal), the counter never goes back, and the final value is
/// exactly the number of updates (updates are atomic read-modify-writes across
/// processes). Reading the fields one by one, as `snapshot()` of plain fields does,
/// mixes writes within a few thousand reads under this load.
#[test]
fn two_writers_two_readers_never_mixed() {
    if let Ok(spec) = std::env::var(MIXED_ENV) {
        let (path, role) = spec.rsplit_once(':').expect("PATH:ROLE");
        mixed_worker(Path::new(path), role);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("records");
    let seg = Segment::<Board>::create(&path).expect("create");
    let children: Vec<Child> = ["writer", "writer", "reader", "reader"]
        .iter()
        .map(|role| {
            worker(
                test_name!(two_writers_two_readers_never_mixed),
                MIXED_ENV,
                format!("{}:{role}", path.display()),
            )
            .spawn()
            .expect("spawn worker")
        })
        .collect();
    for (i, mut c) in children.into_iter().enumerate() {
        let status = crate::common::wait_or_kill(&mut c, "a worker");
        assert!(status.success(), "worker {i} failed: {status}");
    }
    assert_eq!(seg.rec().read(), Ok(rec(2 * UPDATES)));
    assert!(seg.reads().load() >= 2 * MIN_READS);
}

const KILL_ENV: &str = "SHMA_RECORDS_KILL";

fn kill_worker(path: &Path, mode: &str) {
    let seg = Segment::<Board>::open(path).expect("worker opens the segment");
    if mode == "halfway" {
        // A writer stopped right after its first sequence store: the word odd with our
        // pid, half of the record written; then we wait to be killed.
        let word = seg.rec().sequence();
        // SAFETY: the sequence word is the first 8 bytes of the Seq, an Atomic<u64>.
        let seq = unsafe { &*(seg.rec() as *const Seq<Rec8> as *const shm_atomics::Atomic<u64>) };
        seq.store((u64::from(std::process::id()) << 32) | ((word + 1) & 0x7fff_ffff));
        seg.rec().record().f()[0].store(u64::MAX);
        seg.started().store(1);
        // Killed by the parent; a parent that never does is a hang this ends.
        std::thread::sleep(crate::common::CHILD_DEADLINE);
        panic!("the parent never killed this writer");
    }
    let mut v = seg.rec().read().map_or(0, |r| r.f[0]);
    seg.started().store(1);
    let start = Instant::now();
    loop {
        v += 1;
        seg.rec().write(&rec(v));
        // Killed by the parent; a parent that never does is a hang this ends.
        assert!(
            v % 1024 != 0 || start.elapsed() < crate::common::CHILD_DEADLINE,
            "the parent never killed this writer"
        );
    }
}

/// Reads on a thread with a watchdog, so that a reader that spins forever fails the test
/// instead of hanging it.
fn read_with_watchdog(path: &Path) -> Result<Rec8Snapshot, SeqError> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    std::thread::spawn(move || {
        let seg = Segment::<Board>::open(&p).expect("open");
        let _ = tx.send(seg.rec().read());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the reader spun for a minute on a record whose writer is dead")
}

/// A writer process killed with SIGKILL at random points of a write loop (and once,
/// deterministically, right after its first sequence store): a reader then gets either a
/// whole record or `DeadWriter` naming the killed process, never a hang; the next writer
/// takes over (`update` reports `Torn` without running its closure), the record reads
/// `Torn` until a whole record is written, and a `write` repairs it.
#[test]
fn sigkilled_writers_are_detected_and_taken_over() {
    if let Ok(spec) = std::env::var(KILL_ENV) {
        let (path, mode) = spec.rsplit_once(':').expect("PATH:MODE");
        kill_worker(Path::new(path), mode);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("killed");
    let seg = Segment::<Board>::create(&path).expect("create");
    let mut rng = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos() as u64
        | 1;
    let mut dead_seen = 0;
    const ROUNDS: usize = 12;
    for round in 0..=ROUNDS {
        let mode = if round == ROUNDS { "halfway" } else { "loop" };
        seg.started().store(0);
        let mut child = worker(
            test_name!(sigkilled_writers_are_detected_and_taken_over),
            KILL_ENV,
            format!("{}:{mode}", path.display()),
        )
        .spawn()
        .expect("spawn writer");
        let pid = child.id();
        let start = Instant::now();
        while seg.started().load() == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the writer never started"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_micros(rng % 3000));
        child.kill().expect("SIGKILL");
        crate::common::wait_or_kill(&mut child, "a killed worker");
        match read_with_watchdog(&path) {
            Ok(r) => assert_whole(&r),
            Err(SeqError::DeadWriter { pid: p }) => {
                assert_eq!(p, pid, "the error names the killed writer");
                dead_seen += 1;
                let mut called = false;
                assert_eq!(
                    seg.rec().update(|_| called = true),
                    Err(SeqError::Torn { pid })
                );
                assert!(!called);
                assert_eq!(seg.rec().read(), Err(SeqError::Torn { pid }));
                assert_eq!(seg.rec().read_torn().map(|(_, by)| by), Ok(Some(pid)));
            }
            Err(e) => panic!("unexpected {e}"),
        }
        let next = seg.rec().read_torn().map(|(r, _)| r.f[1]).unwrap_or(0) + 1;
        seg.rec().write(&rec(next));
        assert_eq!(seg.rec().read(), Ok(rec(next)));
    }
    eprintln!(
        "{dead_seen} of {} rounds killed a writer mid-write",
        ROUNDS + 1
    );
    assert!(dead_seen >= 1, "the deterministic round kills mid-write");
}

const STRIPED_ENV: &str = "SHMA_RECORDS_STRIPED";
const ADDS: u64 = 200_000;

/// Two processes add to a striped counter and a plain one: both exact.
#[test]
fn two_processes_add_to_striped_exactly() {
    if let Ok(spec) = std::env::var(STRIPED_ENV) {
        let seg = Segment::<Board>::open(&spec).expect("open");
        wait_for_all(&seg, 2);
        for _ in 0..ADDS {
            seg.hits().inc();
            seg.plain().inc();
        }
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("striped");
    let seg = Segment::<Board>::create(&path).expect("create");
    let children: Vec<Child> = (0..2)
        .map(|_| {
            worker(
                test_name!(two_processes_add_to_striped_exactly),
                STRIPED_ENV,
                path.display().to_string(),
            )
            .spawn()
            .expect("spawn")
        })
        .collect();
    for mut c in children {
        assert!(crate::common::wait_or_kill(&mut c, "a worker").success());
    }
    assert_eq!(seg.hits().load(), 2 * ADDS);
    assert_eq!(seg.plain().load(), 2 * ADDS);
}
