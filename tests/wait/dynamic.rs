//! The dynamic API's waits (`DynAtomicView::wait` / `notify_*`), through the views
//! `RawSegment::field` gives a tool that knows the layout only from the segment's
//! descriptor: processes block on a 4-byte field by name and are woken by another
//! process's notification; any other width is refused with an error value.

use std::path::Path;

use shm_atomics::{Error, RawSegment, Segment, WaitOutcome, WidthReason, atomic_layout};

use crate::{PATIENCE, asleep, eventually, register, worker};

#[atomic_layout]
pub struct Board {
    /// 0.0 until the parent raises it: a float, to show any 4-byte kind can be waited on.
    pub level: f32,
    /// 8 bytes: refused by wait and notify.
    pub wide: u64,
    /// Waiters that saw the change after being notified.
    pub notified: u32,
    /// Waiters whose wait ended any other way (a time-out means a lost wake-up).
    pub other: u32,
    pub registered: u32,
    pub pids: [u32; 4],
    pub tids: [u32; 4],
}

const ENV: &str = "SHM_ATOMICS_WAIT_DYNAMIC";

/// A waiter: blocks on `level == 0.0` through the dynamic view of the field by name.
fn level_waiter(path: &Path) {
    let seg = Segment::<Board>::open(path).expect("waiter opens");
    let raw = RawSegment::open(path).expect("waiter opens raw");
    let level = raw.field("level").expect("field level");
    register(seg.registered(), seg.pids(), seg.tids());
    match level
        .wait_timeout(0.0f32, PATIENCE)
        .expect("a 4-byte field waits")
    {
        WaitOutcome::Notified => seg.notified().inc(),
        _ => seg.other().inc(),
    }
}

/// Proves `wait` / `notify_all` work across processes on a dynamic view (they did not
/// exist): 4 processes block in the kernel on the `level` field found by name, the
/// parent changes it and notifies through its own dynamic view, the kernel reports 4
/// woken, and each waiter returns `Notified` (blocked, then saw the change).
#[test]
fn dynamic_views_wait_and_notify_across_processes() {
    if let Ok(path) = std::env::var(ENV) {
        return level_waiter(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("board");
    let seg = Segment::<Board>::create(&path).expect("create");
    let test = test_name!(dynamic_views_wait_and_notify_across_processes);
    let kids: Vec<_> = (0..4)
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
    let raw = RawSegment::open(&path).expect("open raw");
    let level = raw.field("level").expect("field level");
    level.store(1.5f32).expect("store");
    assert_eq!(
        level.notify_all().expect("notify"),
        Some(4),
        "all 4 were asleep"
    );
    for mut k in kids {
        let status = crate::common::wait_or_kill(&mut k, "a worker");
        assert!(status.success(), "waiter failed: {status}");
    }
    assert_eq!(seg.notified().load(), 4);
    assert_eq!(seg.other().load(), 0);
}

/// Proves an 8-byte field is refused by every wait and notify call with an error value
/// (`UnsupportedWidth`, `NotWaitable`) that names the width, instead of blocking on
/// half of it or panicking.
#[test]
fn waiting_on_an_eight_byte_field_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("board");
    let _seg = Segment::<Board>::create(&path).expect("create");
    let raw = RawSegment::open(&path).expect("open raw");
    let wide = raw.field("wide").expect("field wide");
    let refused = |r: Result<(), Error>| match r {
        Err(Error::UnsupportedWidth(e)) => {
            assert_eq!((e.width, e.reason), (8, WidthReason::NotWaitable));
            let msg = Error::UnsupportedWidth(e).to_string();
            assert!(msg.contains("width 8 cannot be waited on"), "{msg}");
        }
        other => panic!("expected NotWaitable, got {other:?}"),
    };
    refused(wide.wait(0).map(drop));
    refused(wide.wait_timeout(0, PATIENCE).map(drop));
    refused(wide.notify_one().map(drop));
    refused(wide.notify_all().map(drop));
    // The 4-byte field next to it waits (its value differs, so at once).
    let level = raw.field("level").expect("field level");
    assert_eq!(
        level.wait(1.0f32).expect("4 bytes wait"),
        WaitOutcome::Changed
    );
}
