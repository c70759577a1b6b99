//! Segments: files mapped into memory that processes create, open and share safely.
//!
//! # File format (version 1)
//!
//! All header integers are little-endian; the payload is in the machine's own byte order
//! (the header records which, and other byte orders are refused).
//!
//! | offset | size | field |
//! |-------:|-----:|-------|
//! | 0      | 8    | magic `\x89ATOMSEG` |
//! | 8      | 4    | format version (1) |
//! | 12     | 4    | header length: fixed header + descriptor, rounded up to 64 |
//! | 16     | 8    | payload offset: a multiple of max(64, `L::ALIGN`) |
//! | 24     | 8    | payload size (`L::SIZE`) |
//! | 32     | 8    | layout fingerprint (`L::FINGERPRINT`) |
//! | 40     | 8    | creation time, nanoseconds since the Unix epoch |
//! | 48     | 4    | creating process id |
//! | 52     | 4    | byte-order mark `0x01020304` in the payload's byte order |
//! | 56     | 4    | descriptor offset (128) |
//! | 60     | 4    | descriptor length |
//! | 64     | 8    | ready word: `0` while being built, [`READY`] once complete (release store) |
//! | 72     | 56   | reserved, zero |
//! | 128    | n    | canonical layout descriptor ([`LayoutDescBuf::encode`]); its name is `L::NAME` |
//! | offset | size | payload: the layout's bytes |
//!
//! # Creating
//!
//! A segment is built in a temporary file in the same directory (created with
//! `O_EXCL`, mode 0600 unless asked otherwise), fully initialized, its ready word stored
//! with release order, and then hard-linked to its name, which fails if the name exists.
//! So no process ever sees a half-written segment, and of many processes racing
//! [`Segment::open_or_create`] exactly one creates it.
//!
//! # Opening
//!
//! [`Segment::open`] refuses, with a [`SegmentError`] naming the file: symlinks
//! (`O_NOFOLLOW`), non-regular files, files too short for a header, foreign files (bad
//! magic), other format versions or byte orders, a missing ready word, truncated files,
//! malformed descriptors, and another layout (listing the fields that differ).
//!
//! A mapped file can still be truncated by another process after it was opened; access
//! then raises `SIGBUS`, as with any shared mapping. Do not truncate live segments.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::marker::PhantomData;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use std::vec::Vec;
use std::{format, fs, vec};

use memmap2::{MmapOptions, MmapRaw};
use zerocopy::{IntoBytes, TryFromBytes};

use crate::cell::value::{Kind, Value};
use crate::error::Error;
use crate::layout::descriptor::LayoutDescBuf;
use crate::layout::{Layout, check_layout_lock_free};
use crate::view::region::Region;

/// The first 8 bytes of every segment.
pub const MAGIC: [u8; 8] = *b"\x89ATOMSEG";
/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The value of the ready word of a complete segment.
pub const READY: u64 = 0x5245_4144_5921_0001;
/// Bytes of the fixed header, before the descriptor.
pub const FIXED_HEADER: usize = 128;
/// The payload starts at a multiple of this (and of the layout's alignment).
pub const PAYLOAD_ALIGN: usize = 64;
/// The byte-order mark, stored in the payload's byte order.
const BYTE_ORDER: u32 = 0x0102_0304;
/// Descriptors longer than this are refused as malformed.
const MAX_DESCRIPTOR: usize = 1 << 20;

/// The default directory for segments named without a directory: `/dev/shm` where it
/// exists (memory-backed on Linux), else the system's temporary directory.
///
/// ```
/// let dir = shm_atomics::default_dir();
/// assert!(dir.is_absolute());
/// ```
pub fn default_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// A bare file name (no directory) resolves under [`default_dir`]; any other path is
/// used as given.
pub fn resolve_path(path: impl AsRef<Path>) -> PathBuf {
    let p = path.as_ref();
    let bare = p.components().count() == 1
        && matches!(p.components().next(), Some(std::path::Component::Normal(_)));
    if bare {
        default_dir().join(p)
    } else {
        p.to_path_buf()
    }
}

/// What is wrong with a segment file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SegmentErrorKind {
    /// The file does not exist.
    NotFound,
    /// `create` found a file with that name.
    AlreadyExists,
    /// The path is a symbolic link (refused so a link cannot redirect the mapping).
    Symlink,
    /// The path is not a regular file.
    NotRegularFile,
    /// Permission denied.
    PermissionDenied,
    /// Shorter than a segment header.
    TooShort {
        /// The file's length.
        len: u64,
    },
    /// The magic bytes are not a segment's.
    Foreign,
    /// Another format version.
    Version {
        /// The version found.
        found: u32,
    },
    /// Made on a machine with the other byte order.
    ByteOrder,
    /// The ready word is not set: the creator did not finish.
    NotReady,
    /// The file ends before the payload does.
    Truncated {
        /// The file's length.
        len: u64,
        /// The length the header requires.
        needed: u64,
    },
    /// The header or descriptor is inconsistent.
    Malformed(String),
    /// The segment holds another layout.
    LayoutMismatch {
        /// The layout the caller expects.
        expected: String,
        /// Its fingerprint.
        expected_fingerprint: u64,
        /// The layout the file holds.
        found: String,
        /// The file's fingerprint.
        found_fingerprint: u64,
        /// Field-level differences, expected -> found.
        differences: Vec<String>,
    },
    /// No field has this path in the segment's layout.
    UnknownField(String),
    /// Another I/O error.
    Io {
        /// What was being done.
        op: &'static str,
        /// The error kind.
        kind: io::ErrorKind,
        /// The OS message.
        message: String,
    },
}

/// A segment could not be created or opened: the path and what is wrong.
///
/// ```
/// use shm_atomics::{Error, Segment, SegmentErrorKind, atomic_layout};
///
/// #[atomic_layout]
/// struct Counters { hits: u64 }
///
/// let dir = std::env::temp_dir().join(format!("shm-atomics-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("not-a-segment");
/// std::fs::write(&path, vec![0u8; 4096])?;
/// match Segment::<Counters>::open(&path) {
///     Err(Error::Segment(e)) => assert_eq!(e.kind, SegmentErrorKind::Foreign),
///     other => panic!("{other:?}"),
/// }
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentError {
    /// The file (or `<file descriptor>` for `from_file`).
    pub path: PathBuf,
    /// What is wrong.
    pub kind: SegmentErrorKind,
}

impl SegmentError {
    fn make(path: &Path, kind: SegmentErrorKind) -> Error {
        Error::Segment(SegmentError {
            path: path.to_path_buf(),
            kind,
        })
    }

    fn io(path: &Path, op: &'static str, e: io::Error) -> Error {
        let kind = match e.kind() {
            io::ErrorKind::NotFound => SegmentErrorKind::NotFound,
            io::ErrorKind::AlreadyExists => SegmentErrorKind::AlreadyExists,
            io::ErrorKind::PermissionDenied => SegmentErrorKind::PermissionDenied,
            _ if e.raw_os_error() == Some(libc::ELOOP) => SegmentErrorKind::Symlink,
            // Opening a directory for writing fails before `read_info` can stat it.
            _ if e.raw_os_error() == Some(libc::EISDIR) => SegmentErrorKind::NotRegularFile,
            k => SegmentErrorKind::Io {
                op,
                kind: k,
                message: e.to_string(),
            },
        };
        Self::make(path, kind)
    }
}

impl core::fmt::Display for SegmentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let p = self.path.display();
        match &self.kind {
            SegmentErrorKind::NotFound => write!(
                f,
                "segment {p} does not exist: create it first (Segment::create or open_or_create)"
            ),
            SegmentErrorKind::AlreadyExists => write!(
                f,
                "segment {p} already exists: open it, or remove it first (Segment::remove)"
            ),
            SegmentErrorKind::Symlink => write!(
                f,
                "{p} is a symbolic link: segments are opened without following links; use the real path"
            ),
            SegmentErrorKind::NotRegularFile => {
                write!(f, "{p} is not a regular file, so it is not a segment")
            }
            SegmentErrorKind::PermissionDenied => write!(
                f,
                "permission denied for segment {p}: check its mode (open_readonly needs only read permission)"
            ),
            SegmentErrorKind::TooShort { len } => write!(
                f,
                "{p} is {len} bytes, too short for a segment header ({FIXED_HEADER} bytes): not a segment, or truncated"
            ),
            SegmentErrorKind::Foreign => {
                write!(f, "{p} is not a shm-atomics segment (wrong magic bytes)")
            }
            SegmentErrorKind::Version { found } => write!(
                f,
                "segment {p} has format version {found}; this build reads version {FORMAT_VERSION}"
            ),
            SegmentErrorKind::ByteOrder => write!(
                f,
                "segment {p} was made on a machine of the other byte order; its values cannot be read here"
            ),
            SegmentErrorKind::NotReady => write!(
                f,
                "segment {p} is not ready: its creator did not finish writing it; remove it and create it again"
            ),
            SegmentErrorKind::Truncated { len, needed } => write!(
                f,
                "segment {p} is truncated: {len} bytes, but its header needs {needed}"
            ),
            SegmentErrorKind::Malformed(what) => write!(f, "segment {p} is malformed: {what}"),
            SegmentErrorKind::LayoutMismatch {
                expected,
                expected_fingerprint,
                found,
                found_fingerprint,
                differences,
            } => {
                write!(
                    f,
                    "segment {p} holds layout {found} (fingerprint {found_fingerprint:#018x}), not {expected} ({expected_fingerprint:#018x})"
                )?;
                if differences.is_empty() {
                    write!(f, "; the descriptors differ")
                } else {
                    write!(
                        f,
                        "; differences ({expected} -> {found}): {}",
                        differences.join("; ")
                    )
                }
            }
            SegmentErrorKind::UnknownField(field) => write!(
                f,
                "segment {p} has no field {field:?}: use a path like `hits`, `net.rx` or `hist[3]`"
            ),
            SegmentErrorKind::Io { op, message, .. } => {
                write!(f, "segment {p}: {op} failed: {message}")
            }
        }
    }
}

impl core::error::Error for SegmentError {}

/// The parsed header of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentInfo {
    /// Format version.
    pub version: u32,
    /// Bytes of header and descriptor.
    pub header_len: u64,
    /// Where the payload starts.
    pub payload_offset: u64,
    /// The payload's size.
    pub payload_size: u64,
    /// The layout's fingerprint.
    pub fingerprint: u64,
    /// The creating process.
    pub creator_pid: u32,
    /// When the segment was created.
    pub created: SystemTime,
    /// The layout descriptor (its name is the layout's name).
    pub descriptor: LayoutDescBuf,
}

impl SegmentInfo {
    /// The layout's name.
    pub fn layout_name(&self) -> &str {
        &self.descriptor.name
    }
}

fn le32(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// The payload offset for a descriptor of `desc_len` bytes and a layout aligned to
/// `align`.
fn payload_offset(desc_len: usize, align: usize) -> usize {
    let a = align.max(PAYLOAD_ALIGN);
    (FIXED_HEADER + desc_len).div_ceil(a) * a
}

/// The bytes of a new segment, ready word zero.
fn image(desc: &LayoutDescBuf, fingerprint: u64, payload: &[u8]) -> Vec<u8> {
    let d = desc.encode();
    let header_len = (FIXED_HEADER + d.len()).div_ceil(PAYLOAD_ALIGN) * PAYLOAD_ALIGN;
    let off = payload_offset(d.len(), desc.align);
    let mut out = vec![0u8; off + payload.len()];
    out[0..8].copy_from_slice(&MAGIC);
    out[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&(header_len as u32).to_le_bytes());
    out[16..24].copy_from_slice(&(off as u64).to_le_bytes());
    out[24..32].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    out[32..40].copy_from_slice(&fingerprint.to_le_bytes());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    out[40..48].copy_from_slice(&(now.as_nanos() as u64).to_le_bytes());
    out[48..52].copy_from_slice(&std::process::id().to_le_bytes());
    out[52..56].copy_from_slice(&BYTE_ORDER.to_ne_bytes());
    out[56..60].copy_from_slice(&(FIXED_HEADER as u32).to_le_bytes());
    out[60..64].copy_from_slice(&(d.len() as u32).to_le_bytes());
    out[FIXED_HEADER..FIXED_HEADER + d.len()].copy_from_slice(&d);
    out[off..].copy_from_slice(payload);
    out
}

/// Reads and validates the header of any segment (no layout expected).
pub(crate) fn read_info(file: &File, path: &Path) -> Result<SegmentInfo, Error> {
    let meta = file
        .metadata()
        .map_err(|e| SegmentError::io(path, "stat", e))?;
    if !meta.file_type().is_file() {
        return Err(SegmentError::make(path, SegmentErrorKind::NotRegularFile));
    }
    let len = meta.len();
    if len < FIXED_HEADER as u64 {
        return Err(SegmentError::make(path, SegmentErrorKind::TooShort { len }));
    }
    let mut h = [0u8; FIXED_HEADER];
    file.read_exact_at(&mut h, 0)
        .map_err(|e| SegmentError::io(path, "read header", e))?;
    if h[0..8] != MAGIC {
        return Err(SegmentError::make(path, SegmentErrorKind::Foreign));
    }
    let version = le32(&h, 8);
    if version != FORMAT_VERSION {
        return Err(SegmentError::make(
            path,
            SegmentErrorKind::Version { found: version },
        ));
    }
    let mut bom = [0u8; 4];
    bom.copy_from_slice(&h[52..56]);
    if u32::from_ne_bytes(bom) != BYTE_ORDER {
        return Err(if u32::from_ne_bytes(bom).swap_bytes() == BYTE_ORDER {
            SegmentError::make(path, SegmentErrorKind::ByteOrder)
        } else {
            SegmentError::make(
                path,
                SegmentErrorKind::Malformed(format!(
                    "byte-order mark {:#x}",
                    u32::from_ne_bytes(bom)
                )),
            )
        });
    }
    let malformed = |what: String| SegmentError::make(path, SegmentErrorKind::Malformed(what));
    let header_len = le32(&h, 12) as u64;
    let payload_off = le64(&h, 16);
    let payload_size = le64(&h, 24);
    let fingerprint = le64(&h, 32);
    let created_ns = le64(&h, 40);
    let creator_pid = le32(&h, 48);
    let desc_off = le32(&h, 56) as u64;
    let desc_len = le32(&h, 60) as u64;
    let ready = le64(&h, 64);
    if desc_off != FIXED_HEADER as u64 {
        return Err(malformed(format!(
            "descriptor offset {desc_off}, expected {FIXED_HEADER}"
        )));
    }
    if desc_len == 0 || desc_len > MAX_DESCRIPTOR as u64 {
        return Err(malformed(format!("descriptor length {desc_len}")));
    }
    if header_len < desc_off + desc_len || header_len % PAYLOAD_ALIGN as u64 != 0 {
        return Err(malformed(format!(
            "header length {header_len} does not hold the descriptor"
        )));
    }
    if payload_off < header_len || payload_off % PAYLOAD_ALIGN as u64 != 0 {
        return Err(malformed(format!(
            "payload offset {payload_off} (header length {header_len})"
        )));
    }
    if ready != READY {
        return Err(SegmentError::make(path, SegmentErrorKind::NotReady));
    }
    let needed = payload_off
        .checked_add(payload_size)
        .ok_or_else(|| malformed(format!("payload size {payload_size}")))?;
    if len < needed || len < desc_off + desc_len {
        return Err(SegmentError::make(
            path,
            SegmentErrorKind::Truncated { len, needed },
        ));
    }
    let mut d = vec![0u8; desc_len as usize];
    file.read_exact_at(&mut d, desc_off)
        .map_err(|e| SegmentError::io(path, "read descriptor", e))?;
    let descriptor = LayoutDescBuf::decode(&d).map_err(|e| malformed(e.to_string()))?;
    if descriptor.fingerprint() != fingerprint {
        return Err(malformed(format!(
            "the descriptor's fingerprint {:#018x} is not the header's {fingerprint:#018x}",
            descriptor.fingerprint()
        )));
    }
    if descriptor.size as u64 != payload_size {
        return Err(malformed(format!(
            "payload size {payload_size}, but the layout is {} bytes",
            descriptor.size
        )));
    }
    if payload_off % descriptor.align as u64 != 0 {
        return Err(malformed(format!(
            "payload offset {payload_off} is not aligned to {}",
            descriptor.align
        )));
    }
    Ok(SegmentInfo {
        version,
        header_len,
        payload_offset: payload_off,
        payload_size,
        fingerprint,
        creator_pid,
        created: UNIX_EPOCH + Duration::from_nanos(created_ns),
        descriptor,
    })
}

fn check_layout<L: Layout>(info: &SegmentInfo, path: &Path) -> Result<(), Error> {
    if info.fingerprint != L::FINGERPRINT {
        let expected = LayoutDescBuf::from_desc(&L::DESC);
        return Err(SegmentError::make(
            path,
            SegmentErrorKind::LayoutMismatch {
                expected: L::NAME.into(),
                expected_fingerprint: L::FINGERPRINT,
                found: info.descriptor.name.clone(),
                found_fingerprint: info.fingerprint,
                differences: expected.diff(&info.descriptor),
            },
        ));
    }
    Ok(())
}

fn open_file(path: &Path, write: bool) -> Result<File, Error> {
    OpenOptions::new()
        .read(true)
        .write(write)
        // No following of a final symlink; no blocking on a FIFO; not inherited by exec.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| SegmentError::io(path, "open", e))
}

fn map(file: &File, path: &Path, len: u64, write: bool) -> Result<MmapRaw, Error> {
    let len = usize::try_from(len).map_err(|_| {
        SegmentError::make(path, SegmentErrorKind::Malformed("too large to map".into()))
    })?;
    let opts = {
        let mut o = MmapOptions::new();
        o.len(len);
        o
    };
    let r = if write {
        opts.map_raw(file)
    } else {
        opts.map_raw_read_only(file)
    };
    r.map_err(|e| SegmentError::io(path, "mmap", e))
}

/// An open, validated segment file mapped `MAP_SHARED`: what every segment handle holds.
struct Mapping {
    map: MmapRaw,
    path: PathBuf,
    info: SegmentInfo,
    writable: bool,
}

// SAFETY: the mapping is shared memory reached only through atomic operations on views
// that borrow the `Mapping`; MmapRaw is Send and Sync.
unsafe impl Send for Mapping {}
// SAFETY: as for Send.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Opens `path` (already resolved), checks its header and maps header and payload.
    fn open(path: PathBuf, writable: bool) -> Result<Mapping, Error> {
        let file = open_file(&path, writable)?;
        Mapping::from_file(&file, path, writable)
    }

    fn from_file(file: &File, path: PathBuf, writable: bool) -> Result<Mapping, Error> {
        let info = read_info(file, &path)?;
        let map = map(
            file,
            &path,
            info.payload_offset + info.payload_size,
            writable,
        )?;
        Ok(Mapping {
            map,
            path,
            info,
            writable,
        })
    }

    /// Refuses a segment that does not hold an `L` at an address aligned for it.
    fn check<L: Layout>(&self) -> Result<(), Error> {
        check_layout::<L>(&self.info, &self.path)?;
        let addr = self.region().as_ptr() as usize;
        if addr % L::ALIGN != 0 {
            return Err(crate::error::AlignmentError {
                addr,
                required: L::ALIGN,
                width: L::SIZE,
            }
            .into());
        }
        Ok(())
    }

    /// The payload: writable or read-only as the file was opened.
    fn region(&self) -> Region<'_> {
        let base = self.map.as_mut_ptr();
        let off = self.info.payload_offset as usize;
        let len = self.info.payload_size as usize;
        if self.writable {
            // SAFETY: a read-write shared mapping valid while `self` lives, holding the
            // payload (`read_info` checked offset + size against the file, and exactly that
            // much was mapped), accessed only atomically.
            unsafe { Region::from_raw_parts(base.wrapping_add(off), len) }
        } else {
            // SAFETY: a read-only mapping valid while `self` lives, holding the payload;
            // others write it only atomically.
            unsafe { Region::from_raw_parts_readonly(base.wrapping_add(off), len) }
        }
    }

    /// The leaf value at a field path.
    fn leaf(&self, field: &str) -> Result<crate::layout::descriptor::Leaf, Error> {
        self.info
            .descriptor
            .leaves()
            .into_iter()
            .find(|l| l.path == field)
            .ok_or_else(|| {
                SegmentError::make(&self.path, SegmentErrorKind::UnknownField(field.into()))
            })
    }
}

/// A file-backed shared segment holding one `L`, mapped `MAP_SHARED` read-write.
///
/// It dereferences to `&L`, so fields are used directly: `seg.hits().inc()`. The
/// mapping is reached only through raw pointers and atomics (`MmapRaw`), never as
/// `&[u8]`. The file stays after the handle drops, until [`Segment::remove`].
///
/// ```
/// use shm_atomics::{Segment, atomic_layout};
///
/// #[atomic_layout]
/// pub struct Counters {
///     pub hits: u64,
///     pub last: [u8; 16],
/// }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("counters");
/// let a = Segment::<Counters>::create(&path)?;
/// let b = Segment::<Counters>::open(&path)?; // another process would do the same
/// a.hits().add(2);
/// b.hits().inc();
/// assert_eq!(a.hits().load(), 3);
/// assert!(Segment::<Counters>::create(&path).is_err()); // exists
/// Segment::<Counters>::remove(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Segment<L: Layout> {
    m: Mapping,
    _layout: PhantomData<L>,
}

/// Options for creating a segment: file mode and initial contents.
///
/// ```
/// use shm_atomics::{Segment, atomic_layout};
///
/// #[atomic_layout]
/// pub struct Config { pub limit: u32 }
///
/// let dir = tempfile::tempdir()?;
/// let mut init = ConfigSnapshot::default();
/// init.limit = 100;
/// let seg = Segment::<Config>::options().mode(0o644).initial(&init).create(dir.path().join("config"))?;
/// assert_eq!(seg.limit().load(), 100);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SegmentOptions<'a, L: Layout> {
    mode: u32,
    initial: Option<&'a L::Snapshot>,
}

impl<'a, L: Layout> SegmentOptions<'a, L> {
    /// The file mode of a created segment (default 0600: only this user).
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }

    /// The initial contents (default: all zero).
    pub fn initial(mut self, snapshot: &'a L::Snapshot) -> Self {
        self.initial = Some(snapshot);
        self
    }

    /// Creates the segment; fails with `AlreadyExists` if the file exists.
    pub fn create(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        Segment::create_impl(&resolve_path(path), self.mode, self.initial)
    }

    /// Opens the segment, or creates it with these options if it does not exist; of
    /// many processes racing, exactly one creates it.
    pub fn open_or_create(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        Segment::open_or_create_impl(&resolve_path(path), self.mode, self.initial)
    }
}

impl<L: Layout> Segment<L> {
    /// Options for creating a segment (mode, initial contents).
    pub fn options<'a>() -> SegmentOptions<'a, L> {
        SegmentOptions {
            mode: 0o600,
            initial: None,
        }
    }

    /// Creates a zeroed segment at `path` (a bare name goes under [`default_dir`]);
    /// `AlreadyExists` if the file exists.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::options().create(path)
    }

    /// Opens an existing segment holding an `L`, with every check of the module docs.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_impl(&resolve_path(path))
    }

    /// Opens the segment, or creates a zeroed one if it does not exist.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::options().open_or_create(path)
    }

    /// Opens `path` read-only: a handle that maps `PROT_READ` and only loads.
    pub fn open_readonly(path: impl AsRef<Path>) -> Result<ReadOnlySegment<L>, Error> {
        ReadOnlySegment::open(path)
    }

    /// Uses an open file (a memfd, a file from another API): an empty file is initialized
    /// as a zeroed segment in place; a non-empty one is checked like [`Segment::open`].
    /// The file must be open for reading and writing. Initialize an empty shared file
    /// from one process only (e.g. the one that called `memfd_create`), then pass it on:
    /// two processes initializing the same empty file at once would both write it. Named
    /// files get race-free creation from [`Segment::open_or_create`].
    pub fn from_file(file: File) -> Result<Self, Error> {
        let path = PathBuf::from("<file descriptor>");
        let len = file
            .metadata()
            .map_err(|e| SegmentError::io(&path, "stat", e))?
            .len();
        if len == 0 {
            let payload = zerocopy_zeroed::<L>();
            write_image::<L>(&file, &path, &payload)?;
        }
        Self::from_checked_file(file, path)
    }

    /// Removes the segment file (a bare name resolves under [`default_dir`]). Processes
    /// that have it mapped keep their mapping.
    pub fn remove(path: impl AsRef<Path>) -> Result<(), Error> {
        let p = resolve_path(path);
        fs::remove_file(&p).map_err(|e| SegmentError::io(&p, "remove", e))
    }

    /// The segment's path.
    pub fn path(&self) -> &Path {
        &self.m.path
    }

    /// The parsed header.
    pub fn info(&self) -> &SegmentInfo {
        &self.m.info
    }

    /// The payload as a writable [`Region`] (for views by offset or the dynamic API).
    pub fn region(&self) -> Region<'_> {
        self.m.region()
    }

    /// The length of the mapping: header, descriptor and payload.
    pub fn len(&self) -> usize {
        self.m.map.len()
    }

    /// Never true: a segment always has a header.
    pub fn is_empty(&self) -> bool {
        false
    }

    fn create_impl(path: &Path, mode: u32, initial: Option<&L::Snapshot>) -> Result<Self, Error> {
        let payload = match initial {
            Some(s) => s.as_bytes().to_vec(),
            None => zerocopy_zeroed::<L>(),
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
            .map_err(|e| SegmentError::io(&tmp, "create", e))?;
        let result = write_image::<L>(&file, &tmp, &payload).and_then(|()| {
            fs::hard_link(&tmp, path).map_err(|e| SegmentError::io(path, "link", e))
        });
        // The temporary name goes whatever happened; the file lives on under `path`.
        let _ = fs::remove_file(&tmp);
        result?;
        Self::from_checked_file(file, path.to_path_buf())
    }

    fn open_impl(path: &Path) -> Result<Self, Error> {
        Self::from_mapping(Mapping::open(path.to_path_buf(), true)?)
    }

    fn open_or_create_impl(
        path: &Path,
        mode: u32,
        initial: Option<&L::Snapshot>,
    ) -> Result<Self, Error> {
        // Open wins when the file exists; create wins the race for a missing one; the
        // loser of a create race opens what the winner linked. Bounded: only another
        // process removing the file in between could make a round fail.
        let mut last = None;
        for _ in 0..16 {
            match Self::open_impl(path) {
                Err(Error::Segment(SegmentError {
                    kind: SegmentErrorKind::NotFound,
                    ..
                })) => {}
                other => return other,
            }
            match Self::create_impl(path, mode, initial) {
                Err(
                    e @ Error::Segment(SegmentError {
                        kind: SegmentErrorKind::AlreadyExists,
                        ..
                    }),
                ) => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| SegmentError::make(path, SegmentErrorKind::NotFound)))
    }

    fn from_checked_file(file: File, path: PathBuf) -> Result<Self, Error> {
        Self::from_mapping(Mapping::from_file(&file, path, true)?)
    }

    fn from_mapping(m: Mapping) -> Result<Self, Error> {
        m.check::<L>()?;
        check_layout_lock_free::<L>()?;
        let seg: Segment<L> = Segment {
            m,
            _layout: PhantomData,
        };
        // Alignment and size of the payload, as `view` checks them.
        seg.region().view::<L>()?;
        Ok(seg)
    }
}

impl<L: Layout> core::ops::Deref for Segment<L> {
    type Target = L;

    fn deref(&self) -> &L {
        let p = self.region().as_ptr();
        // SAFETY: `from_checked_file` verified through `Region::view` that the payload is
        // aligned to L::ALIGN and holds L::SIZE bytes; by the `Layout` contract any bytes
        // are a valid L made of atomics; the mapping lives as long as `self`.
        unsafe { &*(p as *const L) }
    }
}

impl<L: Layout> core::fmt::Debug for Segment<L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Segment")
            .field("path", &self.m.path)
            .field("layout", &L::NAME)
            .finish()
    }
}

fn zerocopy_zeroed<L: Layout>() -> Vec<u8> {
    vec![0u8; L::SIZE]
}

/// Writes a complete segment image to `file`, then sets the ready word with release
/// order through a shared mapping, as the last step.
fn write_image<L: Layout>(file: &File, path: &Path, payload: &[u8]) -> Result<(), Error> {
    let desc = LayoutDescBuf::from_desc(&L::DESC);
    let img = image(&desc, L::FINGERPRINT, payload);
    let mut w = file;
    w.write_all(&img)
        .map_err(|e| SegmentError::io(path, "write", e))?;
    let m = map(file, path, FIXED_HEADER as u64, true)?;
    // SAFETY: the mapping is FIXED_HEADER bytes, page-aligned, so offset 64 is 8-byte
    // aligned and in bounds; the file is not yet visible to any other process (it is
    // the temporary or an unshared descriptor), and the word is accessed atomically.
    let ready =
        unsafe { core::sync::atomic::AtomicU64::from_ptr(m.as_mut_ptr().wrapping_add(64).cast()) };
    ready.store(READY, core::sync::atomic::Ordering::Release);
    m.flush().map_err(|e| SegmentError::io(path, "msync", e))?;
    Ok(())
}

/// A read-only segment handle: the file opened `O_RDONLY` and mapped `PROT_READ`. It
/// offers loads only, and only loads that never write: widths up to 8 bytes are plain
/// loads; a 16-byte field is loaded only where that is write-free (x86_64 with AVX),
/// and refused with `UnsupportedWidth` elsewhere instead of faulting. There is no way to
/// store through it: it does not dereference to `&L`.
///
/// ```
/// use shm_atomics::{Segment, atomic_layout};
///
/// #[atomic_layout]
/// pub struct Counters { pub hits: u64, pub up: bool }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("ro");
/// let rw = Segment::<Counters>::create(&path)?;
/// rw.hits().add(7);
/// let ro = Segment::<Counters>::open_readonly(&path)?;
/// assert_eq!(ro.snapshot()?.hits, 7);
/// assert_eq!(ro.load::<u64>("hits")?, 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ReadOnlySegment<L: Layout> {
    m: Mapping,
    _layout: PhantomData<L>,
}

impl<L: Layout> ReadOnlySegment<L> {
    /// Opens `path` read-only (a bare name resolves under [`default_dir`]); the file
    /// needs only read permission.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let m = Mapping::open(resolve_path(path), false)?;
        m.check::<L>()?;
        Ok(ReadOnlySegment {
            m,
            _layout: PhantomData,
        })
    }

    /// The segment's path.
    pub fn path(&self) -> &Path {
        &self.m.path
    }

    /// The parsed header.
    pub fn info(&self) -> &SegmentInfo {
        &self.m.info
    }

    /// The payload as a read-only [`Region`]: `read_at` works, writable views are refused.
    pub fn region(&self) -> Region<'_> {
        self.m.region()
    }

    /// Loads every field into a snapshot (each field atomically), with write-free loads.
    pub fn snapshot(&self) -> Result<L::Snapshot, Error> {
        read_snapshot::<L>(self.region(), &self.m.info.descriptor)
    }

    /// Loads the value at a field path (`hits`, `net.rx`, `hist[3]`); the type must match
    /// the field's kind and width.
    pub fn load<T: Value>(&self, field: &str) -> Result<T, Error> {
        let leaf = self.m.leaf(field)?;
        if leaf.kind != T::KIND || leaf.width != T::WIDTH {
            return Err(crate::error::UnsupportedOperation {
                op: crate::cell::ops::OpType::Load,
                kind: leaf.kind,
                readonly: false,
            }
            .into());
        }
        Ok(self.region().read_at::<T>(leaf.offset)?.load())
    }
}

impl<L: Layout> core::fmt::Debug for ReadOnlySegment<L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReadOnlySegment")
            .field("path", &self.m.path)
            .field("layout", &L::NAME)
            .finish()
    }
}

/// Reads a whole layout from a (possibly read-only) region leaf by leaf with write-free
/// loads; `bool` bytes are normalized to 0 or 1 so the snapshot is valid.
pub(crate) fn read_snapshot<L: Layout>(
    region: Region<'_>,
    desc: &LayoutDescBuf,
) -> Result<L::Snapshot, Error> {
    let mut buf = vec![0u8; L::SIZE];
    for leaf in desc.leaves() {
        let bytes = &mut buf[leaf.offset..leaf.offset + leaf.width];
        match leaf.width {
            1 => bytes.copy_from_slice(&region.read_at::<[u8; 1]>(leaf.offset)?.load()),
            2 => bytes.copy_from_slice(&region.read_at::<[u8; 2]>(leaf.offset)?.load()),
            4 => bytes.copy_from_slice(&region.read_at::<[u8; 4]>(leaf.offset)?.load()),
            8 => bytes.copy_from_slice(&region.read_at::<[u8; 8]>(leaf.offset)?.load()),
            _ => bytes.copy_from_slice(&region.read_at::<[u8; 16]>(leaf.offset)?.load()),
        }
        if leaf.kind == Kind::Bool {
            bytes[0] = (bytes[0] != 0) as u8;
        }
    }
    L::Snapshot::try_read_from_bytes(&buf).map_err(|_| {
        Error::Segment(SegmentError {
            path: PathBuf::from("<snapshot>"),
            kind: SegmentErrorKind::Malformed(format!(
                "bytes do not form a valid {} snapshot",
                L::NAME
            )),
        })
    })
}

/// A segment opened without knowing its layout type, for tools: the header, the
/// descriptor, and every field through the dynamic API.
///
/// ```
/// use shm_atomics::{RawSegment, Segment, atomic_layout};
///
/// #[atomic_layout]
/// pub struct Net { pub rx: u64, pub tx: u64 }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("net");
/// Segment::<Net>::create(&path)?.rx().add(1500);
///
/// let raw = RawSegment::open(&path)?;
/// assert_eq!(raw.info().layout_name(), "Net");
/// let rx = raw.field("rx")?;
/// assert_eq!(rx.load()?.as_u128(), 1500);
/// rx.fetch_add(1)?;
/// assert_eq!(raw.field("rx")?.load()?.as_u128(), 1501);
/// assert!(raw.field("nope").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RawSegment {
    m: Mapping,
}

impl RawSegment {
    /// Opens any segment read-write; only its own header and descriptor are checked.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_with(path, true)
    }

    /// Opens any segment read-only (mapped `PROT_READ`; fields offer load and bit_test).
    pub fn open_readonly(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_with(path, false)
    }

    fn open_with(path: impl AsRef<Path>, writable: bool) -> Result<Self, Error> {
        Ok(RawSegment {
            m: Mapping::open(resolve_path(path), writable)?,
        })
    }

    /// The segment's path.
    pub fn path(&self) -> &Path {
        &self.m.path
    }

    /// The parsed header, with the layout descriptor.
    pub fn info(&self) -> &SegmentInfo {
        &self.m.info
    }

    /// Whether fields can be written.
    pub fn is_writable(&self) -> bool {
        self.m.writable
    }

    /// The payload as a region (read-only unless opened with [`RawSegment::open`]).
    pub fn region(&self) -> Region<'_> {
        self.m.region()
    }

    /// The dynamic view of the value at a field path (`hits`, `net.rx`, `hist[3]`).
    pub fn field(&self, path: &str) -> Result<crate::view::dynamic::DynAtomicView<'_>, Error> {
        let leaf = self.m.leaf(path)?;
        let region = self.region().subregion(leaf.offset, leaf.width)?;
        crate::view::dynamic::DynAtomicView::with_kind(region, leaf.kind)
    }
}

impl core::fmt::Debug for RawSegment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawSegment")
            .field("path", &self.m.path)
            .field("layout", &self.m.info.descriptor.name)
            .field("writable", &self.m.writable)
            .finish()
    }
}
