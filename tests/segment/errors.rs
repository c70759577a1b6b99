//! Every refusal of the segment openers: the exact `SegmentErrorKind`, and a message that
//! names the file.

use std::ffi::CString;
use std::fmt::Debug;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use shm_atomics::{
    Error, FIXED_HEADER, FORMAT_VERSION, PathErrorKind, RawSegment, Segment, SegmentError,
    SegmentErrorKind, SegmentHeader, UnsupportedOperation, atomic_layout,
};

#[atomic_layout]
pub struct Stats {
    pub hits: u64,
    pub misses: u64,
    pub wide: u128,
}

/// Same name, other fields: `misses` became an `i32` and a field was added.
mod v2 {
    use shm_atomics::atomic_layout;

    #[atomic_layout]
    pub struct Stats {
        pub hits: u64,
        pub misses: i32,
        pub extra: u32,
        pub wide: u128,
    }
}

/// The segment error of a result that must be one, with the message naming the path.
fn seg_err<T: Debug>(r: Result<T, Error>, path: &Path) -> SegmentErrorKind {
    match r {
        Err(Error::Segment(e)) => {
            assert_eq!(e.path, path, "the error names the file");
            let msg = e.to_string();
            assert!(
                msg.contains(&path.display().to_string()),
                "Display must name {}: {msg}",
                path.display()
            );
            e.kind
        }
        other => panic!(
            "expected a segment error for {}, got {other:?}",
            path.display()
        ),
    }
}

/// The kind from all three openers (Segment::open, open_readonly, RawSegment::open),
/// which must agree.
fn all_openers(path: &Path) -> SegmentErrorKind {
    let a = seg_err(Segment::<Stats>::open(path), path);
    let b = seg_err(Segment::<Stats>::open_readonly(path), path);
    let c = seg_err(RawSegment::open(path), path);
    assert_eq!(
        a,
        b,
        "open and open_readonly disagree on {}",
        path.display()
    );
    assert_eq!(
        a,
        c,
        "open and RawSegment::open disagree on {}",
        path.display()
    );
    a
}

/// A fresh valid segment in `dir` and its bytes.
fn valid(dir: &Path, name: &str) -> (PathBuf, Vec<u8>) {
    let path = dir.join(name);
    let seg = Segment::<Stats>::create(&path).expect("create");
    seg.hits().store(41);
    drop(seg);
    let bytes = std::fs::read(&path).expect("read");
    (path, bytes)
}

/// `patch` applied to the fixed header at the start of `bytes`.
fn patch_header(bytes: &mut [u8], patch: impl FnOnce(&mut SegmentHeader)) {
    let mut h = SegmentHeader::read(bytes).expect("a whole header");
    patch(&mut h);
    bytes[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
}

/// A copy of a valid segment with `patch` applied to its bytes.
fn patched(dir: &Path, name: &str, patch: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let (path, mut bytes) = valid(dir, name);
    patch(&mut bytes);
    std::fs::write(&path, &bytes).expect("write patched");
    path
}

#[test]
fn the_valid_segment_opens() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    // The control for every patch below: unpatched, all openers accept it.
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _) = valid(dir.path(), "ok");
    assert_eq!(
        Segment::<Stats>::open(&path).expect("open").hits().load(),
        41
    );
    assert_eq!(
        Segment::<Stats>::open_readonly(&path)
            .expect("open_readonly")
            .load::<u64>("hits")
            .expect("load"),
        41
    );
    RawSegment::open(&path).expect("raw open");
}

#[test]
fn create_on_an_existing_file_is_already_exists() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, bytes) = valid(dir.path(), "exists");
    let kind = seg_err(Segment::<Stats>::create(&path), &path);
    assert_eq!(kind, SegmentErrorKind::AlreadyExists);
    // Also when the existing file is not a segment; and the file is left alone.
    let other = dir.path().join("plain");
    std::fs::write(&other, b"hello").expect("write");
    assert_eq!(
        seg_err(Segment::<Stats>::create(&other), &other),
        SegmentErrorKind::AlreadyExists
    );
    assert_eq!(std::fs::read(&other).expect("read"), b"hello");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn open_missing_is_not_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing");
    assert_eq!(all_openers(&path), SegmentErrorKind::NotFound);
}

#[test]
fn a_symlink_to_a_valid_segment_is_refused() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (target, _) = valid(dir.path(), "real");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    assert_eq!(all_openers(&link), SegmentErrorKind::Symlink);
    // open_or_create must not follow it either (nor replace it).
    assert_eq!(
        seg_err(Segment::<Stats>::open_or_create(&link), &link),
        SegmentErrorKind::Symlink
    );
}

#[test]
fn a_directory_is_not_a_regular_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    assert_eq!(all_openers(&sub), SegmentErrorKind::NotRegularFile);
}

#[test]
fn a_fifo_is_not_a_regular_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo");
    let c = CString::new(fifo.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
    // Opening must neither block (no writer) nor accept it.
    assert_eq!(all_openers(&fifo), SegmentErrorKind::NotRegularFile);
}

#[test]
fn shorter_than_the_header_is_too_short() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for len in [0usize, 1, 8, 64, FIXED_HEADER - 1] {
        let path = patched(dir.path(), &format!("short-{len}"), |b| b.truncate(len));
        assert_eq!(
            all_openers(&path),
            SegmentErrorKind::TooShort { len: len as u64 }
        );
    }
}

#[test]
fn foreign_bytes_are_foreign() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("foreign");
    std::fs::write(&path, vec![0xa5u8; 4096]).expect("write");
    assert_eq!(all_openers(&path), SegmentErrorKind::Foreign);
    // One wrong magic byte is enough.
    let path = patched(dir.path(), "magic", |b| {
        patch_header(b, |h| h.magic[7] ^= 0x20)
    });
    assert_eq!(all_openers(&path), SegmentErrorKind::Foreign);
}

#[test]
fn another_version_is_refused() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    // A version this build does not know yet, and the version that never existed.
    let dir = tempfile::tempdir().expect("temp dir");
    let next = FORMAT_VERSION + 1;
    let path = patched(dir.path(), "v-next", |b| {
        patch_header(b, |h| h.version.set(next))
    });
    assert_eq!(
        all_openers(&path),
        SegmentErrorKind::Version { found: next }
    );
    let path = patched(dir.path(), "v0", |b| patch_header(b, |h| h.version.set(0)));
    assert_eq!(all_openers(&path), SegmentErrorKind::Version { found: 0 });
}

#[test]
fn a_layout_of_values_declared_as_version_2_opens() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    // Version 2 only added field types: a version-2 header over a descriptor of values
    // is consistent, and this build reads it.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = patched(dir.path(), "v2", |b| patch_header(b, |h| h.version.set(2)));
    let seg = Segment::<Stats>::open(&path).expect("a version-2 header opens");
    assert_eq!(seg.info().version, 2);
}

#[test]
fn another_byte_order_is_refused() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = patched(dir.path(), "bom", |b| {
        patch_header(b, |h| h.byte_order.set(h.byte_order.get().swap_bytes()))
    });
    assert_eq!(all_openers(&path), SegmentErrorKind::ByteOrder);
}

/// The whole segment a machine of the other byte order writes (the byte-order mark, the
/// ready word and every payload value in its order; the other header fields are
/// little-endian on both): refused as docs/FORMAT.md section 9 says, by every opener, with
/// a message naming both byte orders and what to do. On a big-endian target (s390x in
/// CI) this is a little-endian host's segment.
#[test]
fn a_segment_of_the_other_byte_order_is_refused_and_says_why() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = patched(dir.path(), "foreign-order", |b| {
        let payload = SegmentHeader::read(b)
            .expect("a whole header")
            .payload_offset
            .get() as usize;
        patch_header(b, |h| {
            h.byte_order.set(h.byte_order.get().swap_bytes());
            h.ready.set(h.ready.get().swap_bytes());
        });
        // Stats: hits (8 bytes at 0), misses (8 at 8), wide (16 at 16).
        for (off, len) in [(0, 8), (8, 8), (16, 16)] {
            b[payload + off..payload + off + len].reverse();
        }
    });
    assert_eq!(all_openers(&path), SegmentErrorKind::ByteOrder);
    let (here, there) = if cfg!(target_endian = "little") {
        ("little-endian", "big-endian")
    } else {
        ("big-endian", "little-endian")
    };
    let msg = Segment::<Stats>::open(&path)
        .map(drop)
        .expect_err("refused")
        .to_string();
    for part in [
        format!("made on a {there} machine and this machine is {here}"),
        "byte order".to_owned(),
        format!("create the segment on a {here} machine"),
    ] {
        assert!(msg.contains(&part), "{part:?} missing from: {msg}");
    }
}

#[test]
fn ready_word_zero_is_not_ready() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = patched(dir.path(), "unready", |b| {
        patch_header(b, |h| h.ready.set(0))
    });
    assert_eq!(all_openers(&path), SegmentErrorKind::NotReady);
}

#[test]
fn a_truncated_payload_is_truncated() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, bytes) = valid(dir.path(), "full");
    let full = bytes.len() as u64;
    for cut in [1u64, 8, 16, 32] {
        let path = patched(dir.path(), &format!("cut-{cut}"), |b| {
            b.truncate((full - cut) as usize)
        });
        assert_eq!(
            all_openers(&path),
            SegmentErrorKind::Truncated {
                len: full - cut,
                needed: full
            }
        );
    }
}

#[test]
fn another_layout_lists_the_differing_fields() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v2");
    Segment::<v2::Stats>::create(&path).expect("create v2");
    let kind = seg_err(Segment::<Stats>::open(&path), &path);
    let SegmentErrorKind::LayoutMismatch {
        expected,
        expected_fingerprint,
        found,
        found_fingerprint,
        differences,
    } = kind.clone()
    else {
        panic!("expected LayoutMismatch, got {kind:?}");
    };
    use shm_atomics::Layout;
    assert_eq!(expected, "Stats");
    assert_eq!(found, "Stats");
    assert_eq!(expected_fingerprint, <Stats as Layout>::FINGERPRINT);
    assert_eq!(found_fingerprint, <v2::Stats as Layout>::FINGERPRINT);
    assert!(
        differences.iter().any(|d| d.contains("misses")),
        "the changed field is named: {differences:?}"
    );
    assert!(
        differences.iter().any(|d| d.contains("extra")),
        "the added field is named: {differences:?}"
    );
    assert!(
        !differences.iter().any(|d| d.contains("hits")),
        "an unchanged field is not listed: {differences:?}"
    );
    let msg = Error::Segment(SegmentError {
        path: path.clone(),
        kind,
    })
    .to_string();
    assert!(msg.contains("misses"), "{msg}");
    assert_eq!(
        seg_err(Segment::<Stats>::open_readonly(&path), &path),
        seg_err(Segment::<Stats>::open(&path), &path)
    );
    // A tool that expects no layout opens it fine.
    let raw = RawSegment::open(&path).expect("RawSegment opens any layout");
    assert_eq!(raw.info().layout_name(), "Stats");
    assert!(raw.field("extra").is_ok());
}

#[test]
fn a_corrupted_descriptor_is_malformed() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, bytes) = valid(dir.path(), "model");
    let desc_len = SegmentHeader::read(&bytes)
        .expect("a whole header")
        .descriptor_len
        .get() as usize;
    let desc = FIXED_HEADER..FIXED_HEADER + desc_len;
    type Patch = Box<dyn Fn(&mut Vec<u8>)>;
    let cases: Vec<(&str, Patch)> = vec![
        // The layout name's length: longer than the descriptor.
        (
            "name-len",
            Box::new(|b: &mut Vec<u8>| b[FIXED_HEADER..FIXED_HEADER + 2].fill(0xff)),
        ),
        // A byte of the first field's name: decodes, but no longer matches the header's
        // fingerprint. (The layout's own name is not part of the fingerprint.)
        ("field-name", {
            let name_len = usize::from(u16::from_le_bytes([
                bytes[FIXED_HEADER],
                bytes[FIXED_HEADER + 1],
            ]));
            // name length + name, size, align, field count, then the field name's length.
            let at = FIXED_HEADER + 2 + name_len + 8 + 8 + 4 + 2;
            assert_eq!(
                &bytes[at..at + 4],
                b"hits",
                "descriptor encoding as documented"
            );
            Box::new(move |b: &mut Vec<u8>| b[at] ^= 1)
        }),
        // The descriptor's last byte (the last field's alignment).
        ("last", {
            let end = desc.end;
            Box::new(move |b: &mut Vec<u8>| b[end - 8] = 3)
        }),
        // The descriptor length in the header: zero, and one byte short.
        (
            "len-zero",
            Box::new(|b: &mut Vec<u8>| patch_header(b, |h| h.descriptor_len.set(0))),
        ),
        ("len-short", {
            let n = (desc_len - 1) as u32;
            Box::new(move |b: &mut Vec<u8>| patch_header(b, |h| h.descriptor_len.set(n)))
        }),
        // The descriptor offset.
        (
            "desc-offset",
            Box::new(|b: &mut Vec<u8>| patch_header(b, |h| h.descriptor_offset.set(64))),
        ),
        // The payload offset, off the 64-byte grid.
        ("payload-offset", {
            Box::new(|b: &mut Vec<u8>| {
                patch_header(b, |h| h.payload_offset.set(h.payload_offset.get() + 8))
            })
        }),
    ];
    for (name, patch) in cases {
        let path = patched(dir.path(), name, |b| patch(b));
        let kind = all_openers(&path);
        assert!(
            matches!(kind, SegmentErrorKind::Malformed(_)),
            "{name}: expected Malformed, got {kind:?}"
        );
    }
}

/// Whether this process is root (which chmod does not restrict).
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The permissions of the mapping that contains `addr`, from /proc/self/maps.
fn mapping_perms(addr: usize) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    for line in maps.lines() {
        let mut it = line.split_whitespace();
        let (range, perms) = (it.next().expect("range"), it.next().expect("perms"));
        let (lo, hi) = range.split_once('-').expect("lo-hi");
        let lo = usize::from_str_radix(lo, 16).expect("hex");
        let hi = usize::from_str_radix(hi, 16).expect("hex");
        if (lo..hi).contains(&addr) {
            return perms.to_string();
        }
    }
    panic!("no mapping contains {addr:#x}");
}

/// Set when this binary runs as user `nobody` to check the refusal root does not get.
const AS_NOBODY_ENV: &str = "SHM_ATOMICS_SEG_AS_NOBODY";

/// What an unprivileged user sees for a 0444 segment: read-only works, read-write is
/// PermissionDenied from both read-write openers.
fn unprivileged_checks(path: &Path) {
    assert_eq!(
        seg_err(Segment::<Stats>::open(path), path),
        SegmentErrorKind::PermissionDenied
    );
    assert_eq!(
        seg_err(RawSegment::open(path), path),
        SegmentErrorKind::PermissionDenied
    );
    let ro = Segment::<Stats>::open_readonly(path).expect("open_readonly on a 0444 file");
    assert_eq!(ro.load::<u64>("hits").expect("load hits"), 41);
}

#[test]
fn read_only_file_opens_readonly_and_refuses_read_write() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Stats>() {
        return;
    }
    if let Some(path) = std::env::var_os(AS_NOBODY_ENV) {
        assert!(!is_root(), "the checker must not run as root");
        unprivileged_checks(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _) = valid(dir.path(), "ro");
    {
        let seg = Segment::<Stats>::open(&path).expect("open");
        seg.misses().store(7);
        seg.wide().store(u128::MAX - 5);
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");

    let ro = Segment::<Stats>::open_readonly(&path).expect("open_readonly on a 0444 file");
    assert_eq!(ro.load::<u64>("hits").expect("load hits"), 41);
    assert_eq!(ro.load::<u64>("misses").expect("load misses"), 7);
    // A 16-byte field is loaded only where that is write-free; elsewhere it is refused.
    match ro.snapshot() {
        Ok(snap) => {
            assert_eq!((snap.hits, snap.misses), (41, 7));
            assert_eq!(snap.wide, u128::MAX - 5);
        }
        Err(Error::UnsupportedWidth(_)) => {}
        Err(e) => panic!("snapshot: {e}"),
    }
    // A field that is not in the layout is the caller's mistake, not a malformed file.
    match ro.load::<u64>("nope") {
        Err(Error::Path(e)) => {
            assert!(
                matches!(e.kind, PathErrorKind::UnknownField { ref name, .. } if name == "nope")
            );
            assert!(e.to_string().contains("no field `nope`"), "{e}");
        }
        other => panic!("load of an unknown field: {other:?}"),
    }
    // So is loading a field as another type: the error names both types.
    let kind = seg_err(ro.load::<u32>("hits"), &path);
    assert_eq!(
        kind,
        SegmentErrorKind::FieldType {
            field: "hits".into(),
            stored: "u64".into(),
            requested: "u32".into(),
        }
    );
    let msg = SegmentError {
        path: path.clone(),
        kind,
    }
    .to_string();
    assert!(
        msg.contains("\"hits\" holds a u64, not a u32") && msg.contains("load it as u64"),
        "{msg}"
    );
    assert_eq!(
        seg_err(ro.load::<i64>("hits"), &path),
        SegmentErrorKind::FieldType {
            field: "hits".into(),
            stored: "u64".into(),
            requested: "i64".into(),
        }
    );
    // The mapping really is PROT_READ (and shared).
    let perms = mapping_perms(ro.region().as_ptr() as usize);
    assert_eq!(perms, "r--s", "read-only segment mapping");

    // Through the dynamic API of a read-only RawSegment, a store is refused.
    let raw = RawSegment::open_readonly(&path).expect("RawSegment::open_readonly");
    assert!(!raw.is_writable());
    let err = raw
        .field("hits")
        .expect("field")
        .store(1u64)
        .expect_err("a store through a read-only mapping");
    assert!(
        matches!(
            err,
            Error::UnsupportedOperation(UnsupportedOperation { readonly: true, .. })
        ),
        "{err:?}"
    );
    assert_eq!(
        mapping_perms(raw.region().as_ptr() as usize),
        "r--s",
        "RawSegment::open_readonly mapping"
    );
    assert_eq!(ro.load::<u64>("hits").expect("load hits"), 41);

    if !is_root() {
        unprivileged_checks(&path);
        return;
    }
    // Root is not denied by the mode, so the PROT_READ checks above are the test here;
    // in addition, where root may switch users, run the refusal checks as `nobody`.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("let nobody into the temp dir");
    use std::os::unix::process::CommandExt;
    let spawned = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            test_name!(read_only_file_opens_readonly_and_refuses_read_write),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(AS_NOBODY_ENV, &path)
        .uid(65534)
        .gid(65534)
        .status();
    match spawned {
        Ok(status) => assert!(status.success(), "the checks as nobody failed: {status}"),
        Err(e) => {
            eprintln!("running as root and cannot switch to nobody ({e}): checked PROT_READ only")
        }
    }
}

#[test]
fn an_invalid_snapshot_names_the_file_and_the_layout() {
    // Not reachable through a valid file (the loads normalize every `bool`), so the
    // message is checked on its own: a real path and the layout, no placeholder path.
    let path = PathBuf::from("/dev/shm/stats");
    let e = Error::Segment(SegmentError {
        path: path.clone(),
        kind: SegmentErrorKind::InvalidSnapshot {
            layout: "Stats".into(),
        },
    });
    let msg = e.to_string();
    assert!(
        msg.starts_with("segment /dev/shm/stats:")
            && msg.contains("do not form a valid StatsSnapshot")
            && !msg.contains("<snapshot>"),
        "{msg}"
    );
}
