//! Snapshots never mix records: `ReadOnlySegment::snapshot` and `RawSegment::snapshot`
//! in real processes while a writer publishes whole records, and after a writer was
//! SIGKILLed in the middle of a write.

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use shm_atomics::{Kind, RawSegment, Segment, Seq, atomic_layout};

use crate::processes::{Rec8, rec, worker};

/// A record, a counter of snapshots taken, and flags for the processes.
#[atomic_layout]
pub struct Shot {
    pub rec: Seq<Rec8>,
    pub started: u32,
    pub done: u32,
    pub snaps: u64,
    pub mixed: u64,
    pub not_whole: u64,
}

const SNAP_ENV: &str = "SHMA_RECORDS_SNAPSHOTS";
/// Snapshots per snapshotting process (two of them: a million in all), or fewer when
/// `SHM_ATOMICS_TEST_SNAPSHOTS` asks for fewer (scripts/test-emulated.sh does: under
/// qemu-user a snapshot costs tens of times more).
fn per_reader() -> u64 {
    const NATIVE: u64 = 500_000;
    std::env::var("SHM_ATOMICS_TEST_SNAPSHOTS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(NATIVE, |n| n.clamp(1, NATIVE))
}
/// How long any process of these tests may run.
const DEADLINE: Duration = Duration::from_secs(120);

/// Waits until `n` processes have started (or fails after the deadline).
fn rendezvous(seg: &Segment<Shot>, n: u32) {
    seg.started().fetch_add(1);
    let start = Instant::now();
    while seg.started().load() < n {
        assert!(start.elapsed() < DEADLINE, "the other processes never came");
        std::thread::yield_now();
    }
}

fn snap_worker(path: &Path, role: &str) {
    let seg = Segment::<Shot>::open(path).expect("worker opens the segment");
    rendezvous(&seg, 3);
    let start = Instant::now();
    if role == "writer" {
        let mut v = 0;
        while seg.done().load() < 2 {
            assert!(start.elapsed() < DEADLINE, "the readers never finished");
            v += 1;
            seg.rec().write(&rec(v));
        }
        return;
    }
    // Alternate the typed read-only handle and the raw one: both go through the same
    // whole-layout copy, and both must keep each record whole.
    let ro = Segment::<Shot>::open_readonly(path).expect("open read-only");
    let raw = RawSegment::open_readonly(path).expect("open raw");
    let offsets: Vec<usize> = (0..8)
        .map(|k| {
            let p = format!("rec.f[{k}]");
            raw.info().descriptor.locate(&p).expect("a value").offset
        })
        .collect();
    let (mut mixed, mut not_whole) = (0u64, 0u64);
    let per_reader = per_reader();
    for i in 0..per_reader {
        assert!(
            start.elapsed() < DEADLINE,
            "snapshots too slow: {i} in {DEADLINE:?}"
        );
        let (f, whole) = if i % 2 == 0 {
            let s = ro.snapshot().expect("snapshot");
            (s.rec.record().f, s.rec.is_whole())
        } else {
            let s = raw.snapshot().expect("raw snapshot");
            let f: Vec<u64> = offsets
                .iter()
                .map(|&o| s.load(o, Kind::Uint, 8).expect("value").as_u128() as u64)
                .collect();
            (
                f.try_into().expect("8 values"),
                s.is_whole("rec").expect("a record"),
            )
        };
        if f.iter().any(|&x| x != f[0]) {
            mixed += 1;
        }
        if !whole {
            not_whole += 1;
        }
    }
    seg.snaps().fetch_add(per_reader);
    seg.mixed().fetch_add(mixed);
    seg.not_whole().fetch_add(not_whole);
    seg.done().fetch_add(1);
}

fn wait_all(children: Vec<Child>) {
    let start = Instant::now();
    for (i, mut c) in children.into_iter().enumerate() {
        loop {
            if let Some(status) = c.try_wait().expect("wait") {
                assert!(status.success(), "worker {i} failed: {status}");
                break;
            }
            if start.elapsed() > DEADLINE + Duration::from_secs(10) {
                let _ = c.kill();
                panic!("worker {i} passed its deadline");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// One writer process publishes whole records as fast as it can while two processes
/// take a million snapshots (typed read-only and raw, alternately): not one holds a
/// mixed record, and every one says whole (the writer never dies). Before, the
/// read-only snapshot copied a record value by value outside the protocol: thousands of
/// mixed records per 200,000 snapshots, each saying `is_whole() == true`.
#[test]
fn a_million_snapshots_never_mix_a_record() {
    if let Ok(spec) = std::env::var(SNAP_ENV) {
        let (path, role) = spec.rsplit_once(':').expect("PATH:ROLE");
        snap_worker(Path::new(path), role);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("snapshots");
    let seg = Segment::<Shot>::create(&path).expect("create");
    let children = ["writer", "reader", "reader"]
        .iter()
        .map(|role| {
            worker(
                test_name!(a_million_snapshots_never_mix_a_record),
                SNAP_ENV,
                format!("{}:{role}", path.display()),
            )
            .spawn()
            .expect("spawn worker")
        })
        .collect();
    wait_all(children);
    assert_eq!(seg.snaps().load(), 2 * per_reader());
    assert_eq!(seg.mixed().load(), 0, "snapshots held mixed records");
    assert_eq!(
        seg.not_whole().load(),
        0,
        "a live writer's record was not whole"
    );
    assert!(
        seg.rec().sequence() & 0x7fff_ffff > 0,
        "the writer never wrote"
    );
}

const HALF_ENV: &str = "SHMA_RECORDS_SNAPSHOT_HALFWAY";

/// A writer stopped right after its first sequence store (the word odd with its pid,
/// one value of eight written), then killed.
fn halfway_writer(path: &Path) {
    let seg = Segment::<Shot>::open(path).expect("open");
    let word = seg.rec().sequence();
    // SAFETY: the sequence word is the first 8 bytes of the Seq, an Atomic<u64>.
    let seq = unsafe { &*(seg.rec() as *const Seq<Rec8> as *const shm_atomics::Atomic<u64>) };
    seq.store((u64::from(std::process::id()) << 32) | ((word + 1) & 0x7fff_ffff));
    seg.rec().record().f()[0].store(u64::MAX);
    seg.started().store(1);
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A writer SIGKILLed in the middle of a write: every snapshot path reports the record
/// as not whole (the odd word naming the dead process, the values read one by one),
/// never as a whole record; after a whole write, snapshots are whole again.
#[test]
fn a_writer_killed_mid_write_is_reported_by_every_snapshot() {
    if let Ok(path) = std::env::var(HALF_ENV) {
        halfway_writer(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("halfway");
    let seg = Segment::<Shot>::create(&path).expect("create");
    seg.rec().write(&rec(5));
    let mut child = worker(
        test_name!(a_writer_killed_mid_write_is_reported_by_every_snapshot),
        HALF_ENV,
        path.display().to_string(),
    )
    .spawn()
    .expect("spawn writer");
    let pid = child.id();
    let start = Instant::now();
    while seg.started().load() == 0 {
        assert!(start.elapsed() < DEADLINE, "the writer never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    let typed = seg.snapshot();
    assert!(!typed.rec.is_whole(), "typed snapshot said whole");
    let ro = Segment::<Shot>::open_readonly(&path).expect("open read-only");
    let s = ro.snapshot().expect("read-only snapshot");
    assert!(!s.rec.is_whole(), "read-only snapshot said whole");
    assert_eq!(s.rec.record().f[0], u64::MAX);
    assert_eq!(s.rec.record().f[1], 5);
    let raw = RawSegment::open_readonly(&path).expect("open raw");
    let r = raw.snapshot().expect("raw snapshot");
    assert!(
        !r.is_whole("rec").expect("a record"),
        "raw snapshot said whole"
    );
    assert_eq!((r.sequence("rec").expect("word") >> 32) as u32, pid);
    match raw.read_record("rec") {
        Err(shm_atomics::RecordError::Seq(shm_atomics::SeqError::DeadWriter { pid: p })) => {
            assert_eq!(p, pid)
        }
        other => panic!("read_record of a dead writer's record: {other:?}"),
    }

    // Repaired by a whole write.
    seg.rec().write(&rec(6));
    let s = ro.snapshot().expect("snapshot");
    assert!(s.rec.is_whole());
    assert_eq!(s.rec.record().f, [6; 8]);
    assert!(
        raw.snapshot()
            .expect("raw")
            .is_whole("rec")
            .expect("record")
    );
}
