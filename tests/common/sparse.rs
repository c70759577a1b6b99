//! Hostile-but-valid files for the tests of descriptor walking (issue 11, item 4): a
//! sparse segment file of 1 GiB whose few-hundred-byte descriptor declares
//! `a: [bool; 1 << 30]`, written with the library's own encoder and header; and the
//! peak resident memory of a child process.
#![allow(dead_code)]

use std::fs::OpenOptions;
use std::io::Write as _;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};

use shm_atomics::{
    FIXED_HEADER, FieldDescBuf, FieldTypeBuf, Kind, LayoutDescBuf, PAYLOAD_ALIGN, Segment,
    SegmentHeader, atomic_layout,
};

/// Elements of the huge array.
pub const HUGE_LEN: usize = 1 << 30;

#[atomic_layout]
pub struct Tiny {
    pub x: u64,
}

/// The descriptor of `Huge { a: [bool; 1 << 30], tail: u64 }`, 1 GiB + 8 bytes.
pub fn huge_desc() -> LayoutDescBuf {
    LayoutDescBuf {
        name: "Huge".into(),
        size: HUGE_LEN + 8,
        align: 8,
        fields: vec![
            FieldDescBuf {
                name: "a".into(),
                offset: 0,
                ty: FieldTypeBuf::Value {
                    kind: Kind::Bool,
                    width: 1,
                },
                array_len: Some(HUGE_LEN),
                align: 1,
            },
            FieldDescBuf {
                name: "tail".into(),
                offset: HUGE_LEN,
                ty: FieldTypeBuf::Value {
                    kind: Kind::Uint,
                    width: 8,
                },
                array_len: None,
                align: 8,
            },
        ],
    }
}

/// Writes a valid segment of [`huge_desc`] at `dir/huge`: the header of a real
/// segment (made by `Segment::create`, ready word set) with its descriptor, sizes and
/// fingerprint replaced, then `set_len` to 1 GiB: a few KiB on disk. `a[HUGE_LEN - 1]`
/// is stored as `true` and `tail` as 77, in the file, so reads can be checked.
pub fn huge_segment(dir: &Path) -> PathBuf {
    let tiny = dir.join("tiny-template");
    drop(Segment::<Tiny>::create(&tiny).expect("create the template segment"));
    let bytes = std::fs::read(&tiny).expect("read the template");
    std::fs::remove_file(&tiny).expect("remove the template");
    let mut header = SegmentHeader::read(&bytes).expect("a full header");

    let desc = huge_desc();
    let enc = desc.encode();
    let header_len = (FIXED_HEADER + enc.len()).div_ceil(PAYLOAD_ALIGN) * PAYLOAD_ALIGN;
    let payload_offset = header_len as u64; // a multiple of 64, so of the align 8
    header.header_len = (header_len as u32).into();
    header.payload_offset = payload_offset.into();
    header.payload_size = (desc.size as u64).into();
    header.fingerprint = desc.fingerprint().into();
    header.descriptor_len = (enc.len() as u32).into();

    let path = dir.join("huge");
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .expect("create the huge file");
    f.write_all(&header.to_bytes()).expect("write header");
    f.write_all(&enc).expect("write descriptor");
    f.set_len(payload_offset + desc.size as u64)
        .expect("extend sparsely");
    f.write_all_at(&[1], payload_offset + HUGE_LEN as u64 - 1)
        .expect("write a[last]");
    f.write_all_at(&77u64.to_ne_bytes(), payload_offset + HUGE_LEN as u64)
        .expect("write tail");
    path
}

/// Runs `cmd` to completion with stdout and stderr captured to files in `dir` and
/// returns its status, output and peak resident set size in KiB (`ru_maxrss` of
/// `wait4`, which counts the mapped file pages the process touched too).
pub fn run_measured(cmd: &mut Command, dir: &Path) -> (ExitStatus, String, String, i64) {
    let out = dir.join("measured.out");
    let err = dir.join("measured.err");
    let child = cmd
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("spawn");
    let (status, maxrss_kib) = wait_rusage(child);
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("read")).into_owned();
    (status, read(&out), read(&err), maxrss_kib)
}

/// Waits for `child` (through `wait4`, as `Child::wait` gives no resource usage) and
/// returns its status and `ru_maxrss` in KiB.
pub fn wait_rusage(child: Child) -> (ExitStatus, i64) {
    let pid = child.id();
    use std::os::unix::process::ExitStatusExt as _;
    let mut status = 0;
    // SAFETY: rusage is plain old data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only into the two valid out-pointers; `pid` is our own child,
    // not yet reaped (`child` is consumed here and its `wait` was never called).
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(
        r,
        pid as libc::pid_t,
        "wait4: {}",
        std::io::Error::last_os_error()
    );
    // `c_long`: i64 on 64-bit targets, i32 on 32-bit ones.
    #[allow(clippy::unnecessary_cast)]
    let maxrss = usage.ru_maxrss as i64;
    (ExitStatus::from_raw(status), maxrss)
}
