//! The basic segment API: bare names under `default_dir`, `from_file` with a memfd,
//! `SegmentOptions` (mode, initial contents), the file outliving its handle, `info()`.

use std::fs::File;
use std::os::fd::FromRawFd;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shm_atomics::{
    Error, FORMAT_VERSION, Layout, Segment, SegmentErrorKind, atomic_layout, default_dir,
    resolve_path,
};

#[atomic_layout]
pub struct Basic {
    pub hits: u64,
    pub wide: u128,
    pub name: [u8; 16],
    pub up: bool,
}

/// A layout aligned beyond 64, so the payload offset must honour `L::ALIGN`.
#[atomic_layout]
pub struct Aligned {
    pub small: u8,
    #[atomic(align = 256)]
    pub wide: u64,
}

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> SegmentErrorKind {
    match r {
        Err(Error::Segment(e)) => e.kind,
        other => panic!("expected a segment error, got {other:?}"),
    }
}

/// Removes a file in `default_dir` when dropped, even if the test panics.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn bare_names_resolve_under_default_dir() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Basic>() {
        return;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_nanos();
    let name = format!("shm-atomics-test-bare-{}-{nanos}", std::process::id());
    let full = default_dir().join(&name);
    let _cleanup = Cleanup(full.clone());
    assert_eq!(resolve_path(&name), full);
    assert_eq!(
        resolve_path("./x"),
        PathBuf::from("./x"),
        "not bare: as given"
    );
    assert_eq!(
        resolve_path("a/b"),
        PathBuf::from("a/b"),
        "not bare: as given"
    );

    let seg = Segment::<Basic>::create(&name).expect("create by bare name");
    assert_eq!(seg.path(), full);
    assert!(full.is_file(), "{} exists", full.display());
    seg.hits().add(5);
    let again = Segment::<Basic>::open(&name).expect("open by bare name");
    assert_eq!(again.hits().load(), 5);
    let ro = Segment::<Basic>::open_readonly(&name).expect("open_readonly by bare name");
    assert_eq!(ro.path(), full);
    assert_eq!(
        kind(Segment::<Basic>::create(&name)),
        SegmentErrorKind::AlreadyExists
    );
    Segment::<Basic>::remove(&name).expect("remove by bare name");
    assert!(!full.exists(), "removed");
    assert_eq!(
        kind(Segment::<Basic>::open(&name)),
        SegmentErrorKind::NotFound
    );
    assert_eq!(
        kind(Segment::<Basic>::remove(&name)),
        SegmentErrorKind::NotFound
    );
}

fn memfd() -> File {
    // SAFETY: the name is a valid NUL-terminated string; memfd_create has no other
    // preconditions.
    let fd = unsafe { libc::memfd_create(c"shm-atomics-test".as_ptr(), libc::MFD_CLOEXEC) };
    assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` is a new, valid descriptor owned by nothing else.
    unsafe { File::from_raw_fd(fd) }
}

#[test]
fn from_file_initializes_a_memfd_and_validates_a_dup() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Basic>() {
        return;
    }
    let file = memfd();
    let dup = file.try_clone().expect("dup");
    let other = file.try_clone().expect("dup");
    let seg = Segment::<Basic>::from_file(file).expect("initialize an empty memfd");
    assert_eq!(seg.snapshot(), BasicSnapshot::default(), "zeroed");
    seg.hits().store(77);
    seg.name().store(*b"through-a-memfd!");
    let len = other.metadata().expect("stat").len();
    assert_eq!(len, seg.len() as u64, "the memfd holds the whole segment");

    let second = Segment::<Basic>::from_file(dup).expect("validate the initialized memfd");
    assert_eq!(second.hits().load(), 77, "the same memory");
    second.hits().inc();
    assert_eq!(seg.hits().load(), 78);
    assert_eq!(&seg.name().load(), b"through-a-memfd!");
    assert_eq!(second.info().creator_pid, std::process::id());
    assert_eq!(second.info().fingerprint, Basic::FINGERPRINT);

    // A memfd holding another layout is refused, naming no path but the descriptor.
    match Segment::<Aligned>::from_file(other) {
        Err(Error::Segment(e)) => {
            assert!(
                matches!(e.kind, SegmentErrorKind::LayoutMismatch { .. }),
                "{e:?}"
            );
            assert!(e.to_string().contains("<file descriptor>"), "{e}");
        }
        r => panic!("expected LayoutMismatch, got {r:?}"),
    }
    // And a memfd with foreign contents.
    let foreign = memfd();
    std::io::Write::write_all(&mut &foreign, &[7u8; 300]).expect("write");
    assert_eq!(
        kind(Segment::<Basic>::from_file(foreign)),
        SegmentErrorKind::Foreign
    );
}

/// The process umask, from /proc/self/status (reading it with umask(2) would change it
/// for the other test threads).
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").expect("proc status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .expect("Umask line (Linux 4.7+)");
    u32::from_str_radix(line.trim(), 8).expect("octal umask")
}

#[test]
fn options_mode_and_initial_contents() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Basic>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mask = umask();

    let p = dir.path().join("default-mode");
    Segment::<Basic>::create(&p).expect("create");
    let mode = std::fs::metadata(&p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600 & !mask, "default mode 0600");

    let p = dir.path().join("mode-640");
    Segment::<Basic>::options()
        .mode(0o640)
        .create(&p)
        .expect("create with mode");
    let mode = std::fs::metadata(&p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640 & !mask, "mode(0o640), umask {mask:o}");
    assert!(
        mode & 0o040 != 0 || mask & 0o040 != 0,
        "group read requested"
    );

    let init = BasicSnapshot {
        hits: 1234,
        wide: u128::MAX - 1,
        name: *b"initial-contents",
        up: true,
        ..Default::default()
    };
    let p = dir.path().join("initial");
    let seg = Segment::<Basic>::options()
        .initial(&init)
        .create(&p)
        .expect("create with initial");
    assert_eq!(seg.snapshot(), init);
    drop(seg);
    assert_eq!(Segment::<Basic>::open(&p).expect("open").snapshot(), init);

    // open_or_create with other initial contents does not touch an existing segment.
    let other = BasicSnapshot {
        hits: 1,
        ..Default::default()
    };
    let seg = Segment::<Basic>::options()
        .initial(&other)
        .open_or_create(&p)
        .expect("open existing");
    assert_eq!(seg.snapshot(), init);
    // ... and initializes a missing one.
    let q = dir.path().join("initial-2");
    let seg = Segment::<Basic>::options()
        .initial(&other)
        .mode(0o640)
        .open_or_create(&q)
        .expect("create missing");
    assert_eq!(seg.snapshot(), other);
    let mode = std::fs::metadata(&q).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640 & !mask);
}

#[test]
fn the_file_outlives_the_handle_until_remove() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Basic>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("lasting");
    let seg = Segment::<Basic>::create(&p).expect("create");
    seg.hits().store(9);
    drop(seg);
    assert!(p.is_file(), "the file stays after the handle drops");
    let seg = Segment::<Basic>::open(&p).expect("open again");
    assert_eq!(seg.hits().load(), 9, "contents kept");

    Segment::<Basic>::remove(&p).expect("remove");
    assert!(!p.exists());
    assert_eq!(kind(Segment::<Basic>::open(&p)), SegmentErrorKind::NotFound);
    // A mapping outlives the name.
    seg.hits().inc();
    assert_eq!(seg.hits().load(), 10);
    // And the name is free for a new segment, which is a different one.
    let fresh = Segment::<Basic>::create(&p).expect("create again");
    assert_eq!(fresh.hits().load(), 0);
    fresh.hits().store(100);
    assert_eq!(seg.hits().load(), 10);
}

#[test]
fn info_describes_the_segment() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Basic>() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let before = SystemTime::now();
    let seg = Segment::<Aligned>::create(dir.path().join("info")).expect("create");
    let after = SystemTime::now();
    let info = seg.info();
    // A layout of values is written in format version 1, which older readers open.
    assert_eq!(info.version, 1);
    assert!(info.version <= FORMAT_VERSION);
    assert_eq!(info.layout_name(), "Aligned");
    assert_eq!(info.layout_name(), Aligned::NAME);
    assert_eq!(info.fingerprint, Aligned::FINGERPRINT);
    assert_eq!(info.creator_pid, std::process::id());
    let slack = Duration::from_secs(1);
    assert!(
        info.created + slack >= before && info.created <= after + slack,
        "creation time {:?} not within [{before:?}, {after:?}]",
        info.created
    );
    assert_eq!(Aligned::ALIGN, 256);
    assert_eq!(info.payload_offset % 64, 0);
    assert_eq!(info.payload_offset % Aligned::ALIGN as u64, 0);
    assert!(info.payload_offset >= info.header_len);
    assert!(info.header_len >= 128 && info.header_len % 64 == 0);
    assert_eq!(info.payload_size, Aligned::SIZE as u64);
    assert_eq!(seg.len() as u64, info.payload_offset + info.payload_size);
    assert_eq!(seg.region().as_ptr() as usize % Aligned::ALIGN, 0);
    assert_eq!(
        info.descriptor,
        shm_atomics::LayoutDescBuf::from_desc(&Aligned::DESC)
    );
    // The same on disk, as another opener sees it.
    let ro = Segment::<Aligned>::open_readonly(seg.path()).expect("open_readonly");
    assert_eq!(ro.info(), info);
    // A 64-aligned layout gets the smallest payload offset after the header.
    let basic = Segment::<Basic>::create(dir.path().join("basic")).expect("create");
    let bi = basic.info();
    assert_eq!(bi.payload_offset, bi.header_len.div_ceil(64) * 64);
    assert_eq!(bi.payload_offset % Basic::ALIGN as u64, 0);
}
