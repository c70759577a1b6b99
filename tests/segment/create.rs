//! Creation refuses before it publishes (issue 11, items 6 and 7, and the ready word):
//! - alignment above the page size: refused before any file is made, so a refused
//!   creation leaves nothing at the path and a retry gets the same error, not
//!   `AlreadyExists`; a file whose descriptor declares such an alignment is refused;
//! - `from_file` refuses pipes, sockets, devices and directories before writing a byte,
//!   and writes its image at offset 0 whatever the file's position;
//! - the ready word of a fresh segment is `READY` in the machine's byte order.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use shm_atomics::__private::Pad;
use shm_atomics::{
    Atomic, Error, FIXED_HEADER, FieldDesc, FieldDescBuf, FieldType, FieldTypeBuf, Kind, Layout,
    LayoutDesc, LayoutDescBuf, MAGIC, MAX_ALIGN, Plain, READY, RawSegment, Segment,
    SegmentErrorKind, SegmentHeader, atomic_layout,
};

/// A hand-written layout (the macro refuses these): one `u64` then padding up to `$size`,
/// aligned to `$align`, named `$name` in its descriptor.
macro_rules! hand_layout {
    ($ty:ident, $snap:ident, $name:literal, $align:literal) => {
        #[repr(C, align($align))]
        pub struct $ty {
            hits: Atomic<u64>,
            _pad: Pad<{ $align - 8 }>,
        }

        #[derive(Clone, Copy, PartialEq, Debug)]
        #[repr(C)]
        pub struct $snap {
            hits: u64,
            pad: [u8; $align - 8],
        }

        // SAFETY: `#[repr(C)]`: a `u64` at 0 and bytes from 8 to `$align`, the size (the
        // alignment is 8 and `$align` a multiple of it): no padding; every bit pattern is
        // valid.
        unsafe impl Plain for $snap {
            fn is_valid(bytes: &[u8]) -> bool {
                bytes.len() == $align
            }
        }

        impl Default for $snap {
            fn default() -> Self {
                $snap {
                    hits: 0,
                    pad: [0; $align - 8],
                }
            }
        }

        // SAFETY: `#[repr(C)]`, size and alignment `$align` (the `repr` and the padding
        // make it so); every byte is the atomic `hits` or the never-accessed `Pad`; FIELDS
        // describes `hits` at offset 0.
        unsafe impl Layout for $ty {
            const NAME: &'static str = $name;
            const SIZE: usize = $align;
            const ALIGN: usize = $align;
            const FIELDS: &'static [FieldDesc] = &[FieldDesc {
                name: "hits",
                offset: 0,
                ty: FieldType::Value {
                    kind: Kind::Uint,
                    width: 8,
                },
                array_len: None,
                align: 8,
            }];
            const DESC: LayoutDesc = LayoutDesc {
                name: $name,
                size: $align,
                align: $align,
                fields: Self::FIELDS,
            };
            const FINGERPRINT: u64 = Self::DESC.fingerprint();
            type Snapshot = $snap;

            fn snapshot(&self) -> $snap {
                $snap {
                    hits: self.hits.load(),
                    ..$snap::default()
                }
            }

            fn store_snapshot(&self, s: &$snap) {
                self.hits.store(s.hits);
            }
        }

        const _: () = assert!(core::mem::size_of::<$ty>() == $align);
        const _: () = assert!(core::mem::align_of::<$ty>() == $align);
    };
}

hand_layout!(Big, BigSnapshot, "Big", 8192);
hand_layout!(BadName, BadNameSnapshot, "not an identifier", 8);

#[atomic_layout(align = 4096)]
pub struct PageAligned {
    pub hits: u64,
}

#[atomic_layout]
pub struct Small {
    pub hits: u64,
}

/// 128 KiB: more than a pipe's or a socket's buffer, so writing it would block.
#[atomic_layout]
pub struct Large {
    pub slots: [u64; 16384],
}

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> SegmentErrorKind {
    match r {
        Err(Error::Segment(e)) => e.kind,
        other => panic!("expected a segment error, got {other:?}"),
    }
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

/// Proves item 6: before, `create` wrote and linked the file, then found the payload
/// misaligned (or not: mmap promises only 4096), so the file stayed and a retry got
/// `AlreadyExists`. Now the layout is refused before any file is made, every time.
#[test]
fn a_layout_aligned_above_the_page_is_refused_before_any_file_is_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big");
    for attempt in 0..3 {
        let err = match Segment::<Big>::create(&path) {
            Err(Error::Segment(e)) => e,
            other => panic!("attempt {attempt}: expected a refusal, got {other:?}"),
        };
        assert!(
            matches!(&err.kind, SegmentErrorKind::UnsupportedLayout { layout, .. } if layout == "Big"),
            "attempt {attempt}: {err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("8192")
                && msg.contains("4096")
                && msg.contains(&path.display().to_string()),
            "{msg}"
        );
        assert!(!path.exists(), "attempt {attempt}: nothing at the path");
        assert_eq!(
            entries(dir.path()),
            Vec::<String>::new(),
            "no temporary file"
        );
    }
    assert!(matches!(
        kind(Segment::<Big>::open_or_create(&path)),
        SegmentErrorKind::UnsupportedLayout { .. }
    ));
    assert!(matches!(
        kind(Segment::<Big>::from_file(
            tempfile::tempfile().expect("tempfile")
        )),
        SegmentErrorKind::UnsupportedLayout { .. }
    ));
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

/// Proves the descriptor check runs before the link: before, a layout whose descriptor
/// `open` refuses (a name that is not an identifier) was written and linked, then refused
/// as malformed, leaving a file no one could open at the path.
#[test]
fn a_descriptor_that_open_would_refuse_leaves_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("badname");
    for _ in 0..2 {
        match kind(Segment::<BadName>::create(&path)) {
            SegmentErrorKind::UnsupportedLayout { reason, .. } => {
                assert!(reason.contains("identifier"), "{reason}")
            }
            other => panic!("expected UnsupportedLayout, got {other:?}"),
        }
        assert!(!path.exists());
        assert_eq!(entries(dir.path()), Vec::<String>::new());
    }
}

/// The cap is usable: page-aligned layouts create and open, their payload at a
/// multiple of 4096 in the file and in memory.
#[test]
fn page_aligned_layouts_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(PageAligned::ALIGN, MAX_ALIGN);
    for i in 0..8 {
        let path = dir.path().join(format!("page-{i}"));
        let seg = Segment::<PageAligned>::create(&path).expect("create");
        assert_eq!(seg.info().payload_offset % 4096, 0);
        assert_eq!(seg.region().as_ptr() as usize % 4096, 0);
        seg.hits().store(i);
        let again = Segment::<PageAligned>::open(&path).expect("open");
        assert_eq!(again.hits().load(), i);
    }
}

/// A well-formed segment file whose descriptor declares alignment 8192 (header,
/// fingerprint, payload offset and size all consistent): the old decoder accepted it up to
/// 2^29; now every opener refuses it as malformed, naming the page size.
#[test]
fn a_file_declaring_alignment_above_the_page_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("model");
    drop(Segment::<Small>::create(&model).expect("create a model header"));
    let bytes = std::fs::read(&model).expect("read");
    let mut h = SegmentHeader::read(&bytes).expect("header");

    let desc = LayoutDescBuf {
        name: "Big".into(),
        size: 8192,
        align: 8192,
        fields: vec![FieldDescBuf {
            name: "hits".into(),
            offset: 0,
            ty: FieldTypeBuf::Value {
                kind: Kind::Uint,
                width: 8,
            },
            array_len: None,
            align: 8,
        }],
    };
    assert_eq!(desc.fingerprint(), Big::FINGERPRINT);
    let d = desc.encode();
    match LayoutDescBuf::decode(&d) {
        Err(e) => assert!(e.to_string().contains("page size"), "{e}"),
        Ok(back) => panic!("decoded an alignment above the page: {back:?}"),
    }
    h.header_len
        .set((FIXED_HEADER + d.len()).next_multiple_of(64) as u32);
    h.payload_offset.set(8192);
    h.payload_size.set(8192);
    h.fingerprint.set(desc.fingerprint());
    h.descriptor_len.set(d.len() as u32);
    let mut file = vec![0u8; 16384];
    file[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
    file[FIXED_HEADER..FIXED_HEADER + d.len()].copy_from_slice(&d);
    let path = dir.path().join("declares-8192");
    std::fs::write(&path, &file).expect("write");

    for k in [
        kind(RawSegment::open(&path)),
        kind(RawSegment::open_readonly(&path)),
        kind(Segment::<Big>::open(&path)),
        kind(Segment::<Big>::open_readonly(&path)),
    ] {
        match k {
            SegmentErrorKind::Malformed(what) => {
                assert!(
                    what.contains("8192") && what.contains("page size"),
                    "{what}"
                )
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }
}

/// Runs `from_file` in a thread and gives up after 20 s: the old code blocked forever
/// writing 128 KiB into a pipe or socket nobody reads.
fn from_file_within_deadline(file: File) -> SegmentErrorKind {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(kind(Segment::<Large>::from_file(file)));
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("from_file must refuse at once, not block writing")
}

/// Nothing is waiting to be read from `f` (set non-blocking first).
fn assert_nothing_written(f: &mut File, what: &str) {
    let mut buf = [0u8; 16];
    match f.read(&mut buf) {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("{what}: expected nothing written, read {other:?}"),
    }
}

fn set_nonblocking(f: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a descriptor `f` owns, with flags fcntl itself returned.
    let flags = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0);
    // SAFETY: as above.
    let r = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) };
    assert_eq!(r, 0);
}

/// Proves item 7 for pipes: before, the image went into the pipe (and a 128 KiB one
/// blocked forever); now the pipe is refused at once and stays empty.
#[test]
fn from_file_refuses_a_pipe_without_writing() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe returns.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: the read end is a new descriptor owned by nothing else.
    let mut reader = unsafe { File::from_raw_fd(fds[0]) };
    // SAFETY: the write end is a new descriptor owned by nothing else.
    let writer = unsafe { File::from_raw_fd(fds[1]) };
    assert_eq!(
        from_file_within_deadline(writer.try_clone().expect("dup")),
        SegmentErrorKind::FileType { found: "pipe" }
    );
    set_nonblocking(&reader);
    assert_nothing_written(&mut reader, "pipe");
    let msg = Segment::<Small>::from_file(writer).unwrap_err().to_string();
    assert!(
        msg.contains("pipe") && msg.contains("<file descriptor>") && msg.contains("memfd"),
        "{msg}"
    );
}

/// Item 7 for sockets: refused, nothing sent to the peer.
#[test]
fn from_file_refuses_a_socket_without_writing() {
    let (a, b) = UnixStream::pair().expect("socketpair");
    let a = File::from(OwnedFd::from(a));
    assert_eq!(
        from_file_within_deadline(a.try_clone().expect("dup")),
        SegmentErrorKind::FileType { found: "socket" }
    );
    b.set_nonblocking(true).expect("nonblocking");
    let mut peer = File::from(OwnedFd::from(b));
    assert_nothing_written(&mut peer, "socket");
}

/// Item 7 for devices and directories: `/dev/null` took the image before (and was then
/// refused by mmap with an I/O error); a directory is named as one.
#[test]
fn from_file_refuses_devices_and_directories() {
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .expect("open /dev/null");
    assert_eq!(
        kind(Segment::<Small>::from_file(null)),
        SegmentErrorKind::FileType {
            found: "character device"
        }
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let d = File::open(dir.path()).expect("open a directory");
    assert_eq!(
        kind(Segment::<Small>::from_file(d)),
        SegmentErrorKind::FileType { found: "directory" }
    );
}

/// Proves item 7's offsets: an empty file whose position is 4 got the image at offset 4
/// (a corrupt file that `open` refused as foreign); now the image is at 0.
#[test]
fn from_file_writes_at_offset_zero_whatever_the_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("positioned");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .expect("create");
    file.seek(SeekFrom::Start(4)).expect("seek");
    let seg = Segment::<Small>::from_file(file).expect("initialize the empty file");
    seg.hits().store(9);
    let bytes = std::fs::read(&path).expect("read");
    assert_eq!(bytes[..8], MAGIC, "the image starts at offset 0");
    assert_eq!(bytes.len(), seg.len(), "nothing past the image");
    let again = Segment::<Small>::open(&path).expect("the file opens by path");
    assert_eq!(again.hits().load(), 9);

    // A memfd positioned at 4 works the same.
    // SAFETY: a valid NUL-terminated name; memfd_create has no other preconditions.
    let fd = unsafe { libc::memfd_create(c"create-test".as_ptr(), libc::MFD_CLOEXEC) };
    assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` is new and owned by nothing else.
    let mut memfd = unsafe { File::from_raw_fd(fd) };
    memfd.seek(SeekFrom::Start(4)).expect("seek");
    let check = memfd.try_clone().expect("dup");
    let seg = Segment::<Small>::from_file(memfd).expect("a memfd works");
    seg.hits().store(3);
    let second = Segment::<Small>::from_file(check).expect("reopen the memfd");
    assert_eq!(second.hits().load(), 3);
}

/// The ready word: written by an atomic `u64` store of READY (native order), read back by
/// `SegmentHeader` (native order) and by the C helper (`__atomic_load_n` of a `uint64_t`,
/// native order; see the `c` module). The bytes at offset 64 of a fresh file are READY's
/// native-endian bytes, so a little-endian-only reader would be wrong on big-endian.
#[test]
fn the_ready_word_is_ready_in_native_byte_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fresh");
    drop(Segment::<Small>::create(&path).expect("create"));
    let bytes = std::fs::read(&path).expect("read");
    let off = core::mem::offset_of!(SegmentHeader, ready);
    assert_eq!(off, 64);
    assert_eq!(bytes[off..off + 8], READY.to_ne_bytes());
    let h = SegmentHeader::read(&bytes).expect("header");
    assert_eq!(h.ready.get(), READY);
    assert_eq!(h.ready.to_bytes(), READY.to_ne_bytes());
    // The byte-order mark is in the same (native) order.
    assert_eq!(bytes[52..56], 0x0102_0304u32.to_ne_bytes());
    // And from_file writes the same word.
    let file = tempfile::tempfile().expect("tempfile");
    let mut check = file.try_clone().expect("dup");
    drop(Segment::<Small>::from_file(file).expect("from_file"));
    let mut img = Vec::new();
    check.seek(SeekFrom::Start(0)).expect("seek");
    check.read_to_end(&mut img).expect("read");
    assert_eq!(img[off..off + 8], READY.to_ne_bytes());
}
