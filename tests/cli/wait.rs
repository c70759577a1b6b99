//! `shma wait` (issue 14): exit 0 once the condition holds, 3 on time-out, 2 on bad
//! input; 32-bit fields and Events sleep in the kernel, wider fields poll. A module of
//! the `cli` target, sharing its helpers.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::{Event, Segment, atomic_layout};

use super::{ok, p, refused, run};

#[atomic_layout]
pub struct Signals {
    pub phase: u32,
    pub temp: f32,
    pub total: u64,
    pub ready: Event,
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn shma")
}

/// Polls until `child` sleeps in the futex call; past 60 s, kills it (it must not outlive
/// the test) and fails.
fn until_in_futex(child: &mut Child) {
    let start = Instant::now();
    // shma is single-threaded: its main thread (tid = pid) is the one that waits.
    while !crate::futex::thread_in_futex(child.id(), child.id()) {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("shma wait never slept in futex (killed it)");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn finish(child: Child) -> (Option<i32>, String, String) {
    let out = child.wait_with_output().expect("wait shma");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Proves `wait --until` on a 32-bit field sleeps in the kernel (not polling) and is
/// woken by a notification from another process, printing the value and exiting 0.
#[test]
fn wait_until_on_a_32_bit_field_sleeps_and_wakes_on_notify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signals");
    let seg = Segment::<Signals>::create(&path).expect("create");
    let mut child = spawn(&[
        "wait",
        p(&path),
        "phase",
        "--until",
        "2",
        "--timeout",
        "60s",
    ]);
    until_in_futex(&mut child);
    seg.phase().store(1);
    seg.phase().notify_all();
    seg.phase().store(2);
    seg.phase().notify_all();
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "2\n");
}

/// Proves `wait --change` on an Event field returns on the next notification.
#[test]
fn wait_change_on_an_event_returns_on_notify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signals");
    let seg = Segment::<Signals>::create(&path).expect("create");
    let mut child = spawn(&["wait", p(&path), "ready", "--change", "--timeout", "120s"]);
    until_in_futex(&mut child);
    seg.ready().notify_all();
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "1\n");
}

/// Proves wider fields (polled) and writers that never notify are seen, and that a
/// condition already true returns at once; float values compare by the field's bits.
#[test]
fn wait_sees_polled_fields_and_unnotified_writers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signals");
    let seg = Segment::<Signals>::create(&path).expect("create");
    let child = spawn(&[
        "wait",
        p(&path),
        "total",
        "--until",
        "7",
        "--timeout",
        "60s",
    ]);
    std::thread::sleep(Duration::from_millis(20));
    seg.total().store(7); // no notification: 64-bit fields are polled
    let (code, stdout, stderr) = finish(child);
    assert_eq!((code, stdout.as_str()), (Some(0), "7\n"), "{stderr}");

    let mut child = spawn(&[
        "wait",
        p(&path),
        "phase",
        "--until",
        "9",
        "--timeout",
        "60s",
    ]);
    until_in_futex(&mut child);
    seg.phase().store(9); // a plain store, never notified: re-read within 50 ms
    let (code, stdout, stderr) = finish(child);
    assert_eq!((code, stdout.as_str()), (Some(0), "9\n"), "{stderr}");

    seg.temp().store(1.5);
    assert_eq!(ok(&["wait", p(&path), "temp", "--until", "1.50"]), "1.5\n");
}

/// Proves the time-out exit code is 3 (distinct from errors, 2) with nothing printed.
#[test]
fn wait_timeout_exits_3_and_bad_input_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signals");
    let _seg = Segment::<Signals>::create(&path).expect("create");
    for field in ["phase", "total", "ready"] {
        let out = run(&["wait", p(&path), field, "--change", "--timeout", "30ms"]);
        assert_eq!(out.status.code(), Some(3), "{field}");
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{field}");
    }
    assert!(refused(&["wait", p(&path), "nope", "--change"]).contains("nope"));
    let e = refused(&["wait", p(&path), "phase", "--until", "-1"]);
    assert!(e.contains("phase"), "{e}");
    let out = run(&["wait", p(&path), "phase", "--change", "--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["wait", p(&path), "phase"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--until or --change is required"
    );
}

/// Proves `watch` blocks on the layout's Event between refreshes (asleep in futex, not
/// in a timed sleep) and refreshes when it is notified, long before its interval.
#[test]
fn watch_blocks_on_the_event_and_refreshes_on_notify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("signals");
    let seg = Segment::<Signals>::create(&path).expect("create");
    let mut child = spawn(&["watch", p(&path), "--interval", "600000", "--count", "2"]);
    until_in_futex(&mut child);
    seg.total().store(42);
    seg.ready().notify_all();
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.matches("refresh ").count(), 2, "{stdout}");
    assert!(stdout.contains("42"), "{stdout}");
}
