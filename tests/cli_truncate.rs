//! `shma watch` on a segment that another process truncates while it runs (issue 11,
//! item 1), or that is replaced or removed (issue 20, item 3): it stops with one `shma:`
//! line naming the file and exit code 2. Before the truncation guard it died by SIGBUS
//! on its next refresh; before the replacement check it watched the unlinked file.
#![cfg(feature = "cli")]
#![allow(missing_docs)]

use std::io::{BufRead as _, BufReader, Read as _};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::{Segment, atomic_layout};

/// `tail` lies two pages into the payload, beyond the end after a truncation to 0 or
/// 100 bytes, so reading it faults.
#[atomic_layout]
pub struct Wide {
    pub head: u64,
    pub pad: [u64; 1024],
    pub tail: u64,
}

/// Runs `shma watch` on `path` (whose `tail` holds 77) until its first refresh shows the
/// value, then runs `act` and waits (at most 20 s) for watch to exit: its status and
/// stderr.
fn watch_until_exit(path: &Path, act: impl FnOnce()) -> (ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(["watch", "--interval", "20", "--fields", "tail"])
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shma watch");
    // Wait for the first refresh, which shows the value.
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = String::new();
    while !seen.contains(" 77 ") {
        let mut line = String::new();
        let n = out.read_line(&mut line).expect("read watch output");
        assert!(n > 0, "watch exited before its first refresh: {seen}");
        seen.push_str(&line);
    }
    act();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().expect("kill the watch this test started");
            panic!("watch kept running after the change to {}", path.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    (status, stderr)
}

#[test]
fn watch_reports_a_truncation_and_exits_2() {
    for len in ["0", "100"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("wide");
        Segment::<Wide>::create(&path)
            .expect("create")
            .tail()
            .store(77);
        let (status, stderr) = watch_until_exit(&path, || {
            let status = Command::new("truncate")
                .args(["-s", len])
                .arg(&path)
                .status()
                .expect("run truncate(1)");
            assert!(status.success());
        });
        assert_eq!(
            (status.code(), status.signal()),
            (Some(2), None),
            "truncation to {len}: {status}, stderr: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("shma: "), "{stderr}");
        assert!(
            stderr.contains(path.to_str().expect("utf-8 path"))
                && stderr.contains(&format!("the file is {len} bytes"))
                && stderr.contains("was truncated while mapped"),
            "{stderr}"
        );
    }
}

/// Issue 20, item 3: another segment renamed over the watched one (a real `rename(2)`)
/// or its removal stops watch with one `shma:` line and exit code 2. On the old code
/// watch went on showing the unlinked file's values.
#[test]
fn watch_reports_a_replaced_segment_and_exits_2() {
    for (how, what) in [
        ("rename", "replaced while mapped"),
        ("remove", "removed while mapped"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("wide");
        Segment::<Wide>::create(&path)
            .expect("create")
            .tail()
            .store(77);
        let (status, stderr) = watch_until_exit(&path, || {
            if how == "rename" {
                let other = dir.path().join("other");
                Segment::<Wide>::create(&other).expect("create the other");
                std::fs::rename(&other, &path).expect("rename over the watched segment");
            } else {
                std::fs::remove_file(&path).expect("remove the watched segment");
            }
        });
        assert_eq!(
            (status.code(), status.signal()),
            (Some(2), None),
            "{how}: {status}, stderr: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("shma: "), "{stderr}");
        assert!(
            stderr.contains(path.to_str().expect("utf-8 path"))
                && stderr.contains(what)
                && stderr.contains("open the path again"),
            "{how}: {stderr}"
        );
    }
}
