//! [`SegmentError`]: what is wrong with a segment file, with the path, and a message
//! that says how to fix it.

use std::io;
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

use super::format::{FIXED_HEADER, FORMAT_VERSION};
use crate::error::Error;
use crate::fields::process::euid;

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
    /// [`Segment::from_file`](crate::Segment::from_file) was given something other than
    /// a regular file or memfd; nothing was written to it.
    FileType {
        /// What it is: `"pipe"`, `"socket"`, `"character device"`, `"block device"`,
        /// `"directory"` or `"symbolic link"`.
        found: &'static str,
    },
    /// The layout cannot live in a segment (only a hand-written `unsafe impl Layout` can
    /// be such a layout: one aligned above [`MAX_ALIGN`](crate::MAX_ALIGN), or whose
    /// constants disagree with its descriptor). Checked before anything is created.
    UnsupportedLayout {
        /// The layout's name.
        layout: String,
        /// What is wrong with it and what to do.
        reason: String,
    },
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
    /// A single value inside a `Seq` record was asked for writing
    /// ([`RawSegment::field`](crate::RawSegment::field)): a store of one value would
    /// bypass the record's sequence word, so a reader could copy a record mixing old and
    /// new values.
    InsideRecord {
        /// The value's path (`pose.x`).
        field: String,
        /// The record's path (`pose`).
        record: String,
    },
    /// A field was loaded as a type other than the one it holds
    /// ([`ReadOnlySegment::load`](crate::ReadOnlySegment::load)).
    FieldType {
        /// The field's path.
        field: String,
        /// The type it holds, as Rust spells it (`u64`, `[u8; 16]`).
        stored: String,
        /// The type it was loaded as.
        requested: String,
    },
    /// The bytes loaded for a snapshot do not form a valid snapshot of the layout
    /// ([`ReadOnlySegment::snapshot`](crate::ReadOnlySegment::snapshot)).
    InvalidSnapshot {
        /// The layout's name.
        layout: String,
    },
    /// The file shrank while this handle had it mapped (another process truncated it):
    /// reported by `check()` on [`Segment`](crate::Segment),
    /// [`ReadOnlySegment`](crate::ReadOnlySegment) and [`RawSegment`](crate::RawSegment).
    /// The process is not killed (see the module docs on the truncation guard), but the
    /// segment is lost: since the shrink, loads of the part beyond the end see zeros and
    /// stores to it are seen by no other process. Drop the handle, then reopen (which
    /// refuses the short file) or recreate the segment.
    Shrunk {
        /// The file's length now.
        len_now: u64,
        /// The length this handle mapped (header, descriptor and payload).
        len_mapped: u64,
        /// Whether an access of this process faulted beyond the end and was given zero
        /// pages (then the loss stays even if the file grows back).
        faulted: bool,
    },
    /// The path no longer names the file this handle maps: another file was renamed or
    /// linked over it (`found` is `Some`), or it was removed (`None`). Reported by
    /// `check()` on [`Segment`](crate::Segment),
    /// [`ReadOnlySegment`](crate::ReadOnlySegment) and [`RawSegment`](crate::RawSegment).
    /// The handle still works, on the old file: its stores reach only processes that
    /// mapped that file, and every new opener of the path gets the other file (or none).
    /// Drop the handle and open the path again.
    Replaced {
        /// The mapped file's device and inode.
        mapped: (u64, u64),
        /// The device and inode of the file at the path now (not following a final
        /// link); `None` when the path names nothing.
        found: Option<(u64, u64)>,
    },
    /// This process already has as many segments mapped as the truncation guard can
    /// watch; the segment was not opened rather than left unguarded.
    TooManyMappings {
        /// The most mappings the guard watches at once.
        limit: usize,
    },
    /// The file is owned by a user this process does not trust (see
    /// [`Trust`](crate::Trust)): it could have been planted at the name, and its owner
    /// can change or truncate it.
    UntrustedOwner {
        /// The file's owner.
        owner: u32,
        /// The owner's login name, if the user database has one.
        owner_name: Option<String>,
        /// The file's permission bits.
        mode: u32,
        /// This process's effective user id.
        me: u32,
    },
    /// The file may be written by its group or by every user (mode `g+w` or `o+w`),
    /// which the opener did not accept (see [`Trust`](crate::Trust)).
    SharedWrite {
        /// The file's owner.
        owner: u32,
        /// The owner's login name, if the user database has one.
        owner_name: Option<String>,
        /// The file's permission bits.
        mode: u32,
    },
    /// The per-user directory for bare names (the error's path) is not safe to use:
    /// not a real directory, owned by another user, or writable by others.
    UnsafeDirectory {
        /// The directory's owner (`u32::MAX` if unknown).
        owner: u32,
        /// The owner's login name, if the user database has one.
        owner_name: Option<String>,
        /// The directory's mode bits.
        mode: u32,
        /// What is wrong.
        problem: String,
    },
    /// [`SegmentOptions::mode`](crate::SegmentOptions::mode) was given bits beyond the
    /// permission bits 0o777 (setuid, setgid, sticky or file type bits).
    InvalidMode {
        /// The mode given.
        mode: u32,
    },
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
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Error, Segment, SegmentErrorKind};
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
    pub(super) fn make(path: &Path, kind: SegmentErrorKind) -> Error {
        Error::Segment(SegmentError {
            path: path.to_path_buf(),
            kind,
        })
    }

    pub(super) fn io(path: &Path, op: &'static str, e: io::Error) -> Error {
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
            SegmentErrorKind::FileType { found } => write!(
                f,
                "{p} is a {found}, not a regular file or memfd: a segment needs a file it can \
                 map and write at fixed offsets; nothing was written to it"
            ),
            SegmentErrorKind::UnsupportedLayout { layout, reason } => {
                write!(f, "segment {p} cannot hold layout {layout}: it {reason}")
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
                "segment {p} has format version {found}; this build reads versions 1 to {FORMAT_VERSION}: open it with a newer build of shm-atomics"
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
            SegmentErrorKind::InsideRecord { field, record } => write!(
                f,
                "segment {p}: `{field}` is a value of the Seq record `{record}`: a store of \
                 it alone would tear the record; read it with load(\"{field}\") or \
                 read_record(\"{record}\"), and write the whole record with \
                 update_record(\"{record}\", ..) or write_record(\"{record}\", ..)"
            ),
            SegmentErrorKind::FieldType {
                field,
                stored,
                requested,
            } => write!(
                f,
                "segment {p}: field {field:?} holds a {stored}, not a {requested}: load it as {stored}"
            ),
            SegmentErrorKind::InvalidSnapshot { layout } => write!(
                f,
                "segment {p}: the bytes loaded for a {layout} snapshot do not form a valid \
                 {layout}Snapshot (a field holds a value its type does not allow); this is a \
                 bug, please report it"
            ),
            SegmentErrorKind::Shrunk {
                len_now,
                len_mapped,
                faulted,
            } => {
                write!(
                    f,
                    "segment {p} was truncated while mapped: the file is {len_now} bytes, \
                     {len_mapped} are mapped"
                )?;
                if *faulted {
                    write!(f, " (an access beyond its end was given zero pages)")?;
                }
                write!(
                    f,
                    "; since then, values beyond the end read as zero and stores to them \
                     are lost: drop this handle and reopen or recreate the segment"
                )
            }
            SegmentErrorKind::Replaced { mapped, found } => {
                let (dev, ino) = mapped;
                match found {
                    Some((d, i)) => write!(
                        f,
                        "segment {p} was replaced while mapped: the path now names another \
                         file (device {d}, inode {i}), not the mapped one (device {dev}, \
                         inode {ino})"
                    )?,
                    None => write!(
                        f,
                        "segment {p} was removed while mapped: the path names no file; this \
                         handle maps the unlinked file (device {dev}, inode {ino})"
                    )?,
                }
                write!(
                    f,
                    "; this handle's loads and stores reach only that file, which new openers \
                     of the path do not see: drop this handle and open the path again"
                )
            }
            SegmentErrorKind::TooManyMappings { limit } => write!(
                f,
                "cannot map segment {p}: this process already has {limit} segments mapped, \
                 the most the truncation guard watches; drop handles no longer needed"
            ),
            SegmentErrorKind::UntrustedOwner { .. } | SegmentErrorKind::SharedWrite { .. } => {
                let advice = self.trust_message(&rust_opt_in).unwrap_or_default();
                f.write_str(&advice)
            }
            SegmentErrorKind::UnsafeDirectory {
                owner,
                owner_name,
                mode,
                problem,
            } => write!(
                f,
                "directory {p} for bare segment names (owner {}, mode {mode:04o}) is {problem}: \
                 segments named there could be planted or changed by another user; name the \
                 segment by a path instead, or fix the directory",
                Owner(*owner, owner_name)
            ),
            SegmentErrorKind::InvalidMode { mode } => write!(
                f,
                "segment {p}: mode {mode:#o} has bits {:#o} beyond the permission bits 0o777 \
                 (setuid, setgid, sticky or file type); give only permission bits",
                mode & !0o777
            ),
            SegmentErrorKind::Io { op, message, .. } => {
                write!(f, "segment {p}: {op} failed: {message}")
            }
        }
    }
}

impl core::error::Error for SegmentError {}

/// One opt-in of [`Trust`](crate::Trust) that a trust refusal asks for:
/// [`SegmentErrorKind::trust_needed`] lists the complete set that admits the refused file.
/// Each front end names it its own way: a [`Trust`](crate::Trust) method in Rust, a flag
/// of `shma`, a keyword argument in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrustOption {
    /// Accept files owned by this user id: [`Trust::allow_owner`](crate::Trust::allow_owner)
    /// (`--allow-owner UID`, `allow_owner=UID`).
    Owner(u32),
    /// Accept files that their group may write:
    /// [`Trust::allow_group_write`](crate::Trust::allow_group_write)
    /// (`--allow-group-write`, `allow_group_write=True`).
    GroupWrite,
    /// Accept files that every user may write:
    /// [`Trust::allow_other_write`](crate::Trust::allow_other_write)
    /// (`--allow-other-write`, `allow_other_write=True`).
    OtherWrite,
}

impl SegmentErrorKind {
    /// The complete set of [`Trust`](crate::Trust) opt-ins that admit a file refused with
    /// [`UntrustedOwner`](Self::UntrustedOwner) or [`SharedWrite`](Self::SharedWrite),
    /// owner first: the owner unless it is this user or root, then
    /// [`GroupWrite`](TrustOption::GroupWrite) if its group may write it and
    /// [`OtherWrite`](TrustOption::OtherWrite) if every user may. Opening again with
    /// exactly these (and nothing else) admits the file as long as it does not change.
    /// Empty for every other kind.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use std::os::unix::fs::PermissionsExt;
    /// use shm_atomics::{Error, Segment, Trust, TrustOption, RawSegment};
    ///
    /// #[atomic_layout]
    /// pub struct Counters { pub hits: u64 }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("shared");
    /// Segment::<Counters>::create(&path)?;
    /// std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666))?;
    /// let Err(Error::Segment(e)) = RawSegment::open(&path) else { panic!("refused") };
    /// let needed = e.kind.trust_needed();
    /// assert_eq!(needed, [TrustOption::GroupWrite, TrustOption::OtherWrite]);
    /// let trust = needed.iter().fold(Trust::new(), |t, o| match *o {
    ///     TrustOption::Owner(uid) => t.allow_owner(uid),
    ///     TrustOption::GroupWrite => t.allow_group_write(),
    ///     TrustOption::OtherWrite => t.allow_other_write(),
    /// });
    /// RawSegment::open_with(&path, &trust)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trust_needed(&self) -> Vec<TrustOption> {
        let (owner, mode) = match self {
            SegmentErrorKind::UntrustedOwner { owner, mode, .. }
            | SegmentErrorKind::SharedWrite { owner, mode, .. } => (*owner, *mode),
            _ => return Vec::new(),
        };
        let mut needed = Vec::new();
        if owner != 0 && owner != euid() {
            needed.push(TrustOption::Owner(owner));
        }
        if mode & 0o020 != 0 {
            needed.push(TrustOption::GroupWrite);
        }
        if mode & 0o002 != 0 {
            needed.push(TrustOption::OtherWrite);
        }
        needed
    }
}

impl SegmentError {
    /// This error's message, with the advice of a trust refusal
    /// ([`UntrustedOwner`](SegmentErrorKind::UntrustedOwner),
    /// [`SharedWrite`](SegmentErrorKind::SharedWrite)) worded by `opt_in` from
    /// [`SegmentErrorKind::trust_needed`]: for front ends that name the opt-ins otherwise
    /// (`shma` flags, Python keyword arguments). Every other kind: the `Display` message.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use std::os::unix::fs::PermissionsExt;
    /// use shm_atomics::{Error, Segment, TrustOption};
    ///
    /// #[atomic_layout]
    /// pub struct Counters { pub hits: u64 }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("shared");
    /// Segment::<Counters>::create(&path)?;
    /// std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o620))?;
    /// let Err(Error::Segment(e)) = Segment::<Counters>::open(&path) else { panic!("refused") };
    /// assert!(e.to_string().ends_with("opt in with Segment::options().allow_group_write() \
    ///                                  (or Trust::new().allow_group_write())"));
    /// let flags = |o: &[TrustOption]| format!("{} flag(s)", o.len());
    /// assert!(e.message_with(&flags).ends_with("opt in with 1 flag(s)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn message_with(&self, opt_in: &dyn Fn(&[TrustOption]) -> String) -> String {
        self.trust_message(opt_in)
            .unwrap_or_else(|| std::string::ToString::to_string(self))
    }

    /// The message of a trust refusal with the advice `opt_in` words; `None` for other
    /// kinds.
    fn trust_message(&self, opt_in: &dyn Fn(&[TrustOption]) -> String) -> Option<String> {
        let p = self.path.display();
        let advice = opt_in(&self.kind.trust_needed());
        match &self.kind {
            SegmentErrorKind::UntrustedOwner {
                owner,
                owner_name,
                mode,
                me,
            } => Some(std::format!(
                "segment {p} is owned by {}, mode {mode:04o}, not by this user (uid {me}): \
                 another user could have planted it or may change and truncate it; if you \
                 trust that user, opt in with {advice}",
                Owner(*owner, owner_name)
            )),
            SegmentErrorKind::SharedWrite {
                owner,
                owner_name,
                mode,
            } => Some(std::format!(
                "segment {p} (owner {}) has mode {mode:04o}: {} may write it; restrict it \
                 (chmod go-w {p}), or opt in with {advice}",
                Owner(*owner, owner_name),
                match (mode & 0o020 != 0, mode & 0o002 != 0) {
                    (true, true) => "its group and every user",
                    (false, true) => "every user",
                    _ => "its group",
                },
            )),
            _ => None,
        }
    }
}

/// The opt-ins as Rust calls: `Segment::options().allow_owner(998).allow_group_write()
/// (or Trust::new().allow_owner(998).allow_group_write())`.
fn rust_opt_in(options: &[TrustOption]) -> String {
    let chain: String = options
        .iter()
        .map(|o| match o {
            TrustOption::Owner(uid) => std::format!(".allow_owner({uid})"),
            TrustOption::GroupWrite => ".allow_group_write()".into(),
            TrustOption::OtherWrite => ".allow_other_write()".into(),
        })
        .collect();
    std::format!("Segment::options(){chain} (or Trust::new(){chain})")
}

/// What a file of type `t` is, if it is not a regular file (a memfd is one on Linux): the
/// word [`SegmentErrorKind::FileType`] names it by.
pub(super) fn not_a_file(t: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if t.is_file() {
        None
    } else if t.is_fifo() {
        Some("pipe")
    } else if t.is_socket() {
        Some("socket")
    } else if t.is_char_device() {
        Some("character device")
    } else if t.is_block_device() {
        Some("block device")
    } else if t.is_dir() {
        Some("directory")
    } else if t.is_symlink() {
        Some("symbolic link")
    } else {
        Some("special file")
    }
}

/// A user id with its name: `uid 65534 (nobody)`, or `uid 1234` without one.
struct Owner<'a>(u32, &'a Option<String>);

impl core::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.1 {
            Some(name) => write!(f, "uid {} ({name})", self.0),
            None if self.0 == u32::MAX => write!(f, "unknown"),
            None => write!(f, "uid {}", self.0),
        }
    }
}
