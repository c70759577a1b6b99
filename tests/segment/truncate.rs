//! Truncation while mapped (issue 11, item 1): another process shrinking a segment file
//! kills no process that has it mapped; `check()` reports the loss; a later `open`
//! refuses the short file; a `SIGBUS` outside every segment still kills, or reaches the
//! handler installed before ours.
//!
//! Before the truncation guard, every test here that touches a page beyond the new end
//! died by `SIGBUS` (the workers' exit status, or this test binary itself), and the
//! shrink inside the last page went unreported.

use std::io::{BufRead as _, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::{Error, RawSegment, ReadOnlySegment, Segment, SegmentErrorKind, atomic_layout};

/// Several pages of payload, so a truncation to 0 or 100 bytes leaves fields in pages
/// wholly beyond the end of the file (those fault) and `tail` last.
#[atomic_layout]
pub struct Pages {
    pub hits: u64,
    pub spread: [u64; 2048],
    pub tail: u64,
}

const ROLE_ENV: &str = "SHM_ATOMICS_SEG_TRUNCATE_ROLE";

/// Starts this test binary as a worker running only `test`, with `ROLE_ENV = spec`.
fn worker(test: &str, spec: String) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test binary path"));
    c.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE_ENV, spec);
    c
}

/// The `Shrunk` details of a `check()` result, or a panic naming what came instead.
fn shrunk(r: Result<(), Error>) -> (u64, u64, bool) {
    match r {
        Err(Error::Segment(e)) => match e.kind {
            SegmentErrorKind::Shrunk {
                len_now,
                len_mapped,
                faulted,
            } => (len_now, len_mapped, faulted),
            other => panic!("expected Shrunk, got {other:?}"),
        },
        other => panic!("expected Shrunk, got {other:?}"),
    }
}

/// One pass over every page of the payload through the typed handle.
fn write_pass(seg: &Segment<Pages>, round: u64) {
    seg.hits().inc();
    for i in 0..2048 {
        seg.spread()[i].store(round);
    }
    seg.tail().store(round);
}

/// The worker loop shared by the writer and reader roles: run passes until `check()`
/// reports the loss, then one more pass (which touches the pages beyond the end, so it
/// faults if the guard is to be seen working) and print the final `check()`.
fn run_until_lost(pass: impl Fn(u64), check: impl Fn() -> Result<(), Error>) {
    println!("ready");
    let start = Instant::now();
    let mut round = 0u64;
    loop {
        round += 1;
        pass(round);
        if check().is_err() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the truncation never came"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    pass(round + 1);
    let (len_now, len_mapped, faulted) = shrunk(check());
    println!("lost len_now={len_now} len_mapped={len_mapped} faulted={faulted}");
    if let Err(e) = check() {
        println!("message {e}");
    }
}

/// Waits for the worker's `ready` line.
fn wait_ready(out: &mut BufReader<ChildStdout>) {
    let mut line = String::new();
    loop {
        line.clear();
        let n = out.read_line(&mut line).expect("read worker stdout");
        assert!(n > 0, "worker exited before it was ready");
        // libtest prints `test NAME ... ` before the worker's first line.
        if line.trim_end().ends_with("ready") {
            return;
        }
    }
}

/// A writer process (typed, read-write) and a reader process (read-only snapshots and
/// raw loads) keep running on a segment while a third process (`truncate`) shrinks the
/// file to `len` bytes. Proves: both exit normally (before the guard both died by
/// SIGBUS), both report the loss through `check()` with `faulted=true` (they touched
/// pages beyond the end and were given zero pages), and `open` then refuses the file.
fn writer_and_reader_survive(len: u64, test: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pages");
    let seg = Segment::<Pages>::create(&path).expect("create");
    drop(seg);
    let spawn = |role: &str| -> (Child, BufReader<ChildStdout>) {
        let mut c = worker(test, format!("{role}:{}", path.display()))
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn worker");
        let out = BufReader::new(c.stdout.take().expect("stdout"));
        (c, out)
    };
    let (mut writer, mut wout) = spawn("writer");
    let (mut reader, mut rout) = spawn("reader");
    wait_ready(&mut wout);
    wait_ready(&mut rout);
    std::thread::sleep(Duration::from_millis(50));

    let status = Command::new("truncate")
        .args(["-s", &len.to_string()])
        .arg(&path)
        .status()
        .expect("run truncate(1)");
    assert!(status.success(), "truncate failed: {status}");

    for (name, child, out) in [
        ("writer", &mut writer, &mut wout),
        ("reader", &mut reader, &mut rout),
    ] {
        let mut rest = String::new();
        std::io::Read::read_to_string(out, &mut rest).expect("read worker stdout");
        let status = crate::common::wait_or_kill(child, "a worker");
        assert!(
            status.success(),
            "the {name} did not survive the truncation to {len} bytes: {status} (signal {:?})\n{rest}",
            status.signal()
        );
        assert!(
            rest.contains(&format!("lost len_now={len} ")) && rest.contains("faulted=true"),
            "the {name} did not report the loss:\n{rest}"
        );
        assert!(
            rest.contains("was truncated while mapped") && rest.contains("reopen or recreate"),
            "the {name}'s message does not say what happened and what to do:\n{rest}"
        );
    }

    // Every later open refuses the short file.
    let kind = |r: Result<(), Error>| match r {
        Err(Error::Segment(e)) => e.kind,
        other => panic!("open accepted a {len}-byte segment: {other:?}"),
    };
    for k in [
        kind(Segment::<Pages>::open(&path).map(drop)),
        kind(ReadOnlySegment::<Pages>::open(&path).map(drop)),
        kind(RawSegment::open_readonly(&path).map(drop)),
    ] {
        assert!(
            matches!(
                k,
                SegmentErrorKind::TooShort { .. } | SegmentErrorKind::Truncated { .. }
            ),
            "{k:?}"
        );
    }
}

/// The worker side of `writer_and_reader_*`: `writer:PATH` or `reader:PATH`.
fn truncate_worker(spec: &str) {
    let (role, path) = spec.split_once(':').expect("ROLE:PATH");
    let path = Path::new(path);
    match role {
        "writer" => {
            let seg = Segment::<Pages>::open(path).expect("writer opens");
            run_until_lost(|r| write_pass(&seg, r), || seg.check());
        }
        "reader" => {
            let ro = ReadOnlySegment::<Pages>::open(path).expect("reader opens");
            let raw = RawSegment::open_readonly(path).expect("reader opens raw");
            let tail = raw.field("tail").expect("tail");
            run_until_lost(
                |_| {
                    let s = ro.snapshot().expect("snapshot");
                    std::hint::black_box(s.spread[2047] + s.hits);
                    std::hint::black_box(tail.load().expect("load"));
                },
                || ro.check().and_then(|()| raw.check()),
            );
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn writer_and_reader_survive_truncation_to_zero() {
    if let Ok(spec) = std::env::var(ROLE_ENV) {
        return truncate_worker(&spec);
    }
    writer_and_reader_survive(0, test_name!(writer_and_reader_survive_truncation_to_zero));
}

#[test]
fn writer_and_reader_survive_truncation_to_100_bytes() {
    if let Ok(spec) = std::env::var(ROLE_ENV) {
        return truncate_worker(&spec);
    }
    writer_and_reader_survive(
        100,
        test_name!(writer_and_reader_survive_truncation_to_100_bytes),
    );
}

/// Typed, read-only and raw handles in one process survive a truncation to 0 and report
/// it; loads beyond the end see zeros; stores after the loss do not crash either. Before
/// the guard, the first load killed this test binary with SIGBUS.
#[test]
fn every_handle_in_one_process_survives_and_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("handles");
    let seg = Segment::<Pages>::create(&path).expect("create");
    write_pass(&seg, 7);
    let ro = ReadOnlySegment::<Pages>::open(&path).expect("open_readonly");
    let raw = RawSegment::open(&path).expect("raw open");
    let raw_ro = RawSegment::open_readonly(&path).expect("raw open_readonly");
    seg.check().expect("whole before");
    ro.check().expect("whole before");
    raw.check().expect("whole before");
    raw_ro.check().expect("whole before");
    let mapped = (seg.info().payload_offset + seg.info().payload_size) as usize;
    assert_eq!(mapped, seg.len());

    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open for truncation")
        .set_len(0)
        .expect("truncate");

    // Each handle touches pages beyond the end: loads see zeros, stores do not crash.
    assert_eq!(seg.spread()[2047].load(), 0);
    assert_eq!(seg.tail().load(), 0);
    seg.tail().store(5);
    seg.hits().inc();
    let snap = ro.snapshot().expect("snapshot");
    assert_eq!(snap.spread[1000], 0);
    assert_eq!(ro.load::<u64>("tail").expect("load"), 0);
    assert_eq!(
        raw.field("spread[2000]")
            .expect("field")
            .load()
            .expect("load")
            .as_u128(),
        0
    );
    raw.field("tail")
        .expect("field")
        .store(9u64)
        .expect("store");
    assert_eq!(
        raw_ro
            .field("spread[3]")
            .expect("field")
            .load()
            .expect("load")
            .as_u128(),
        0
    );

    for r in [seg.check(), ro.check(), raw.check(), raw_ro.check()] {
        let (now, len_mapped, faulted) = shrunk(r);
        assert_eq!((now, len_mapped), (0, mapped as u64));
        assert!(faulted, "every handle touched a page beyond the end");
    }
    drop((seg, ro, raw, raw_ro));
    assert!(Segment::<Pages>::open(&path).is_err());
}

/// A shrink that stays inside the last page raises no SIGBUS but zeroes the fields past
/// the new end: `check()` reports it (with `faulted=false`), and `open` refuses the file.
/// Before, `tail` silently read 0 and nothing said so.
#[test]
fn a_shrink_inside_the_last_page_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("last-page");
    let seg = Segment::<Pages>::create(&path).expect("create");
    seg.tail().store(42);
    let mapped = seg.len() as u64;
    let page = 4096u64;
    assert!(
        mapped % page >= 16,
        "the layout must end inside a page for this test (mapped {mapped})"
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open for truncation")
        .set_len(mapped - 8)
        .expect("truncate");
    assert_eq!(seg.tail().load(), 0, "the field past the end reads zero");
    assert_eq!(shrunk(seg.check()), (mapped - 8, mapped, false));
    match Segment::<Pages>::open(&path) {
        Err(Error::Segment(e)) => {
            assert!(matches!(e.kind, SegmentErrorKind::Truncated { .. }), "{e}")
        }
        other => panic!("open accepted a truncated segment: {other:?}"),
    }
}

/// A file that grows back after the fault stays reported: the zero pages are this
/// process's own now, not the file's.
#[test]
fn a_fault_is_reported_even_after_the_file_grows_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("regrow");
    let seg = Segment::<Pages>::create(&path).expect("create");
    let mapped = seg.len() as u64;
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    f.set_len(100).expect("shrink");
    seg.tail().store(3);
    f.set_len(mapped).expect("grow back");
    assert_eq!(shrunk(seg.check()), (mapped, mapped, true));
}

const FOREIGN_ENV: &str = "SHM_ATOMICS_SEG_FOREIGN_SIGBUS";

/// In a worker: install the guard (by mapping a segment), then fault on a file this
/// process mapped itself with memmap2. `plain`: nothing else handles SIGBUS, so the
/// process must die by it. `handler`: a handler installed before the guard must run
/// (it exits with 42).
fn foreign_worker(spec: &str) {
    let (mode, dir) = spec.split_once(':').expect("MODE:DIR");
    let dir = Path::new(dir);
    if mode == "handler" {
        extern "C" fn mine(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
            // SAFETY: _exit is async-signal-safe.
            unsafe { libc::_exit(42) };
        }
        // SAFETY: zeroed is a valid sigaction (empty mask, no flags).
        let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
        act.sa_sigaction = mine as *const () as libc::sighandler_t;
        act.sa_flags = libc::SA_SIGINFO;
        // SAFETY: a valid action with a three-argument handler.
        let r = unsafe { libc::sigaction(libc::SIGBUS, &act, std::ptr::null_mut()) };
        assert_eq!(r, 0);
    }
    // Mapping a segment installs the guard (chained to whatever was there).
    let seg = Segment::<Pages>::create(dir.join("seg")).expect("create");
    seg.hits().inc();
    let file_path = dir.join("plain-file");
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&file_path)
        .expect("create file");
    f.set_len(4 * 4096).expect("size file");
    let map = memmap2::MmapOptions::new()
        .len(4 * 4096)
        .map_raw(&f)
        .expect("map file");
    f.set_len(0).expect("truncate file");
    let p = map.as_mut_ptr().wrapping_add(3 * 4096);
    // SAFETY: in bounds of a live mapping; the access faults (SIGBUS) by design.
    let v = unsafe { std::ptr::read_volatile(p) };
    println!("survived a foreign SIGBUS and read {v}");
}

/// A SIGBUS outside every segment is not swallowed: with no previous handler the process
/// still dies by SIGBUS (through Rust std's own SIGBUS handler, which the guard chains
/// to: it restores the default action and lets the access fault again); with a handler
/// installed before the guard, that handler runs. Proves the chaining.
#[test]
fn sigbus_outside_segments_is_passed_on() {
    if let Ok(spec) = std::env::var(FOREIGN_ENV) {
        return foreign_worker(&spec);
    }
    for (mode, want_signal, want_code) in [
        ("plain", Some(libc::SIGBUS), None),
        ("handler", None, Some(42)),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                test_name!(sigbus_outside_segments_is_passed_on),
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(FOREIGN_ENV, format!("{mode}:{}", dir.path().display()))
            .output()
            .expect("run worker");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            (out.status.signal(), out.status.code()),
            (want_signal, want_code),
            "mode {mode}: {}\n{stdout}",
            out.status
        );
        assert!(!stdout.contains("survived"), "mode {mode}: {stdout}");
    }
}

/// Four threads of one process keep writing every page while the file is truncated under
/// them: several threads fault on the same pages at once, and each fault that another
/// thread already repaired must simply retry (the handler's `Repaired` case), not be
/// passed on as foreign (which would kill this test binary by SIGBUS).
#[test]
fn threads_faulting_on_the_same_pages_at_once_survive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("threads");
    let seg = Segment::<Pages>::create(&path).expect("create");
    let go = std::sync::atomic::AtomicBool::new(true);
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let (seg, go) = (&seg, &go);
            s.spawn(move || {
                let mut round = 0;
                while go.load(std::sync::atomic::Ordering::Relaxed) {
                    round += 1;
                    write_pass(seg, t * 1_000_000 + round);
                }
            });
        }
        std::thread::sleep(Duration::from_millis(30));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open for truncation")
            .set_len(0)
            .expect("truncate");
        std::thread::sleep(Duration::from_millis(30));
        go.store(false, std::sync::atomic::Ordering::Relaxed);
    });
    let (now, _, faulted) = shrunk(seg.check());
    assert_eq!(now, 0);
    assert!(faulted);
}

const FULL_ENV: &str = "SHM_ATOMICS_SEG_GUARD_FULL";

/// When the guard's table is full, a further open is refused with `TooManyMappings`
/// rather than handing out a mapping that a truncation would crash on; dropping a handle
/// frees its slot. Runs in a worker process, since it fills the process-wide table.
#[test]
fn a_full_guard_table_refuses_rather_than_leaves_a_mapping_unguarded() {
    if let Ok(dir) = std::env::var(FULL_ENV) {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: valid pointers; raising the soft limit to the hard one is allowed.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        }
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: as above.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
        let path = Path::new(&dir).join("many");
        drop(Segment::<Pages>::create(&path).expect("create"));
        let mut handles = Vec::new();
        let limit = loop {
            match RawSegment::open_readonly(&path) {
                Ok(h) => handles.push(h),
                Err(Error::Segment(e)) => match e.kind {
                    SegmentErrorKind::TooManyMappings { limit } => {
                        assert!(e.to_string().contains("truncation guard"), "{e}");
                        break limit;
                    }
                    other => panic!("after {} handles: {other:?}", handles.len()),
                },
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(handles.len(), limit, "every slot was usable");
        handles.pop();
        RawSegment::open_readonly(&path).expect("a dropped handle frees its slot");
        println!("refused after {limit}");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // The worker holds one descriptor per handle.
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid out-pointer.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_max < 5000 {
        eprintln!(
            "skipped: the descriptor limit ({}) is below 5000",
            lim.rlim_max
        );
        return;
    }
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            test_name!(a_full_guard_table_refuses_rather_than_leaves_a_mapping_unguarded),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(FULL_ENV, dir.path())
        .output()
        .expect("run worker");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("refused after 4096"),
        "{}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
