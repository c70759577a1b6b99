//! A segment file replaced while mapped (issue 20, item 3): after a real `rename(2)` of
//! another file over the path, or the path's removal, `check()` on every handle reports
//! [`SegmentErrorKind::Replaced`] with the mapped and the found device and inode. On the
//! old code `check()` said `Ok` while the handle's stores went to the unlinked file and
//! every new opener saw another one.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use shm_atomics::{Error, RawSegment, Segment, SegmentErrorKind, atomic_layout};

#[atomic_layout]
pub struct Swapped {
    pub hits: u64,
}

/// The device and inode of the file at `path`, not following a final link.
fn id(path: &Path) -> (u64, u64) {
    let m = fs::symlink_metadata(path).expect("lstat");
    (m.dev(), m.ino())
}

/// The `Replaced` details of a `check()` result, with its message.
fn replaced(r: Result<(), Error>, path: &Path) -> ((u64, u64), Option<(u64, u64)>, String) {
    match r {
        Err(Error::Segment(e)) => {
            assert_eq!(e.path, path, "the error names the path");
            let msg = e.to_string();
            match e.kind {
                SegmentErrorKind::Replaced { mapped, found } => (mapped, found, msg),
                other => panic!("expected Replaced, got {other:?}: {msg}"),
            }
        }
        other => panic!("expected Replaced, got {other:?}"),
    }
}

/// A handle's `check()`, with the handle inside.
type Check = Box<dyn Fn() -> Result<(), Error>>;

/// Each kind of handle, opened on `path`: its `check()`.
fn handles(path: &Path) -> Vec<(&'static str, Check)> {
    let typed = Segment::<Swapped>::open(path).expect("open");
    let ro = Segment::<Swapped>::open_readonly(path).expect("open_readonly");
    let raw = RawSegment::open(path).expect("raw open");
    let raw_ro = RawSegment::open_readonly(path).expect("raw open_readonly");
    vec![
        ("Segment", Box::new(move || typed.check())),
        ("ReadOnlySegment", Box::new(move || ro.check())),
        ("RawSegment", Box::new(move || raw.check())),
        ("RawSegment read-only", Box::new(move || raw_ro.check())),
    ]
}

#[test]
fn a_file_renamed_over_a_mapped_segment_is_reported_by_every_handle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seg");
    let first = Segment::<Swapped>::create(&path).expect("create");
    let old = id(&path);
    let checks = handles(&path);
    for (name, check) in &checks {
        check().unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    let other = dir.path().join("other");
    Segment::<Swapped>::create(&other).expect("create the other");
    fs::rename(&other, &path).expect("rename over the segment");
    let new = id(&path);
    assert_ne!(old, new);

    for (name, check) in &checks {
        let (mapped, found, msg) = replaced(check(), &path);
        assert_eq!((mapped, found), (old, Some(new)), "{name}");
        for part in ["replaced while mapped", "open the path again"] {
            assert!(msg.contains(part), "{name}: lacks {part:?}: {msg}");
        }
    }
    // What the report is about: the old handle's stores reach the unlinked file only.
    first.hits().store(5);
    assert_eq!(
        Segment::<Swapped>::open(&path)
            .expect("reopen")
            .hits()
            .load(),
        0
    );
    // A handle opened now maps the new file and checks Ok.
    Segment::<Swapped>::open(&path)
        .expect("reopen")
        .check()
        .expect("new handle");
}

#[test]
fn a_removed_segment_is_reported_as_gone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seg");
    Segment::<Swapped>::create(&path).expect("create");
    let old = id(&path);
    let checks = handles(&path);
    fs::remove_file(&path).expect("unlink");
    for (name, check) in &checks {
        let (mapped, found, msg) = replaced(check(), &path);
        assert_eq!((mapped, found), (old, None), "{name}");
        assert!(msg.contains("removed while mapped"), "{name}: {msg}");
    }
}

/// A symbolic link to the very file put at the path is a replacement too: opening the
/// path would refuse the link (`O_NOFOLLOW`).
#[test]
fn a_symlink_put_at_the_path_is_a_replacement() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seg");
    let seg = Segment::<Swapped>::create(&path).expect("create");
    let real = dir.path().join("real");
    fs::hard_link(&path, &real).expect("second name");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    fs::rename(&link, &path).expect("rename the link over the segment");
    let (mapped, found, _) = replaced(seg.check(), &path);
    assert_eq!(mapped, id(&real));
    assert_ne!(found, Some(mapped));
}

/// Other changes at the path that leave the same file there are not replacements, and
/// a handle made from a file descriptor has no path to check.
#[test]
fn the_same_file_under_its_name_checks_ok() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seg");
    let seg = Segment::<Swapped>::create(&path).expect("create");
    // Renamed away and back: the same inode at the path.
    let aside = dir.path().join("aside");
    fs::rename(&path, &aside).expect("rename away");
    fs::rename(&aside, &path).expect("rename back");
    seg.check().expect("the same file");
    let fd =
        Segment::<Swapped>::from_file(tempfile::tempfile().expect("tempfile")).expect("from_file");
    fd.check().expect("no path to compare");
}

/// A file both truncated and then replaced reports the shrink first (the mapping is
/// lost either way; the shrink says more about what this handle's loads see).
#[test]
fn a_shrink_is_reported_before_a_replacement() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seg");
    let seg = Segment::<Swapped>::create(&path).expect("create");
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open for truncation")
        .set_len(100)
        .expect("truncate");
    let other = dir.path().join("other");
    Segment::<Swapped>::create(&other).expect("create the other");
    fs::rename(&other, &path).expect("rename over");
    match seg.check() {
        Err(Error::Segment(e)) => assert!(
            matches!(e.kind, SegmentErrorKind::Shrunk { len_now: 100, .. }),
            "{e}"
        ),
        other => panic!("expected Shrunk, got {other:?}"),
    }
}
