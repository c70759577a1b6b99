//! [`Mapping`]: an open, checked segment file mapped `MAP_SHARED`, which every segment
//! handle holds; the payload is reached only through [`Region`]s of raw pointers. Every
//! mapping is registered with the truncation guard (`guard.rs`) while it lives.
//!
//! [`Mapping::open_checked`] is the one open sequence of every handle (typed, read-only
//! and raw): resolve the name, open without following links, check owner and mode on the
//! descriptor, read and check header and descriptor, map, register with the guard, and
//! check the layout the caller expects ([`Mapping::holds`]).

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use memmap2::{MmapOptions, MmapRaw};

use super::error::{SegmentError, SegmentErrorKind};
use super::guard::{self, Registration};
use super::info::SegmentInfo;
use super::open::{check_fits, check_layout, open_file, read_info};
use super::owner::Trust;
use super::paths::resolve_checked;
use crate::error::Error;
use crate::layout::{Layout, check_layout_aligned, check_layout_lock_free};
use crate::view::region::Region;

/// How a handle maps its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Opened `O_RDWR`, mapped read-write.
    ReadWrite,
    /// Opened `O_RDONLY`, mapped `PROT_READ`.
    ReadOnly,
}

/// What the opener expects the segment to hold, checked on the mapping (e.g.
/// [`Mapping::holds::<L>`](Mapping::holds)); `None` for raw handles, which take any.
pub(super) type Expected = Option<fn(&Mapping) -> Result<(), Error>>;

/// Maps the first `len` bytes of `file`, read-write or read-only, `MAP_SHARED`.
pub(super) fn map(file: &File, path: &Path, len: u64, write: bool) -> Result<MmapRaw, Error> {
    let len = usize::try_from(len).map_err(|_| {
        SegmentError::make(path, SegmentErrorKind::Malformed("too large to map".into()))
    })?;
    let mut opts = MmapOptions::new();
    opts.len(len);
    let r = if write {
        opts.map_raw(file)
    } else {
        opts.map_raw_read_only(file)
    };
    r.map_err(|e| SegmentError::io(path, "mmap", e))
}

/// An open, validated segment file mapped `MAP_SHARED`: what every segment handle holds.
///
/// It keeps the file open (for `fstat` in [`Mapping::check_file`]), the file's device and
/// inode and the absolute path it was opened by (to tell a replaced file), and its range
/// registered with the truncation guard; `Drop` unregisters the range before the fields
/// drop and `MmapRaw` unmaps it.
pub(super) struct Mapping {
    /// The payload's first byte, computed once at mapping time so that `Segment`'s
    /// `deref` (every field access) is one load, not two loads and an add.
    payload: Payload,
    pub(super) map: MmapRaw,
    pub(super) path: PathBuf,
    pub(super) info: SegmentInfo,
    pub(super) writable: bool,
    file: File,
    guard: Registration,
    /// The mapped file's device and inode (`fstat` at open).
    id: (u64, u64),
    /// The path `check_file` compares with [`Mapping::id`]: absolute, so a later
    /// `chdir` does not change it; `None` for a file given by descriptor.
    watched: Option<PathBuf>,
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Before `map` drops and unmaps: the handler must never repair a range that is
        // no longer this mapping.
        guard::unregister(&self.guard);
    }
}

/// A pointer into the mapping that `MmapRaw` owns, Send and Sync as `MmapRaw` is.
struct Payload(*mut u8);

// SAFETY: the pointer is into the `MmapRaw` of the same `Mapping` (which is Send and
// Sync); it is only turned into views that borrow the `Mapping`, so it is used only while
// the mapping lives, and only through atomics, from any thread.
unsafe impl Send for Payload {}
// SAFETY: as for Send: shared use performs only atomic operations.
unsafe impl Sync for Payload {}

// `MmapRaw` is Send and Sync (it hands out only raw pointers), and so is every other
// field (`Payload` by the `unsafe impl`s above), so `Mapping` is too: the handles use the
// mapping only through atomic views that borrow it. This stops compiling if that ever
// changes.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Mapping>();
};

impl Mapping {
    /// The open sequence of every handle: resolves `path` (a bare name goes under the
    /// checked per-user directory), opens it without following a final link, checks its
    /// owner and mode on the descriptor against `trust`, then its header and descriptor,
    /// maps header and payload, registers the mapping with the truncation guard, and
    /// runs `expected` (the layout a typed handle expects).
    pub(super) fn open_checked(
        path: &Path,
        access: Access,
        trust: &Trust,
        expected: Expected,
    ) -> Result<Mapping, Error> {
        let path = resolve_checked(path)?;
        let writable = access == Access::ReadWrite;
        let file = open_file(&path, writable)?;
        let meta = file
            .metadata()
            .map_err(|e| SegmentError::io(&path, "stat", e))?;
        trust.check(&meta, &path)?;
        let m = Mapping::from_file(&file, path, writable)?;
        if let Some(expected) = expected {
            expected(&m)?;
        }
        Ok(m)
    }

    /// Checks the header of an open file, maps header and payload, and registers the
    /// mapping with the truncation guard (refused when the guard's table is full).
    pub(super) fn from_file(file: &File, path: PathBuf, writable: bool) -> Result<Mapping, Error> {
        let info = read_info(file, &path)?;
        let map = map(
            file,
            &path,
            info.payload_offset + info.payload_size,
            writable,
        )?;
        let file = file
            .try_clone()
            .map_err(|e| SegmentError::io(&path, "dup", e))?;
        let guard = guard::register(map.as_ptr() as usize, map.len(), writable).map_err(|_| {
            SegmentError::make(
                &path,
                SegmentErrorKind::TooManyMappings {
                    limit: guard::MAX_GUARDED,
                },
            )
        })?;
        let payload = Payload(map.as_mut_ptr().wrapping_add(info.payload_offset as usize));
        let meta = file
            .metadata()
            .map_err(|e| SegmentError::io(&path, "stat", e))?;
        let watched = std::path::absolute(&path).ok();
        Ok(Mapping {
            payload,
            map,
            path,
            info,
            writable,
            file,
            guard,
            id: (meta.dev(), meta.ino()),
            watched,
        })
    }

    /// This mapping's file was given by descriptor, not by a path: `check_file` does
    /// not look for it at a path.
    pub(super) fn unnamed(mut self) -> Mapping {
        self.watched = None;
        self
    }

    /// Whether the segment is still whole and still the file at its path: `Ok` if the
    /// file is still as long as the mapping, no access faulted beyond its end, and the
    /// path (not following a final link, as opening does not) still names the mapped
    /// device and inode; else [`SegmentErrorKind::Shrunk`] or
    /// [`SegmentErrorKind::Replaced`] (or an I/O error from `lstat`/`fstat`).
    ///
    /// One system call when all is well: `lstat` of the path gives both the file there
    /// and, when it is the mapped one, its length. Only when the path names another file
    /// or none (or the handle has no path) is the kept descriptor `fstat`ed for the
    /// length, so that a shrink is still reported first.
    pub(super) fn check_file(&self) -> Result<(), Error> {
        let mapped = self.info.payload_offset + self.info.payload_size;
        // `None`: no path to compare; `Some(None)`: the path names nothing.
        let at_path = match &self.watched {
            None => None,
            Some(watched) => Some(match std::fs::symlink_metadata(watched) {
                Ok(meta) => Some(meta),
                Err(e)
                    if e.kind() == std::io::ErrorKind::NotFound
                        || e.raw_os_error() == Some(libc::ENOTDIR) =>
                {
                    None
                }
                Err(e) => return Err(SegmentError::io(&self.path, "stat path", e)),
            }),
        };
        let len_now = match &at_path {
            Some(Some(meta)) if (meta.dev(), meta.ino()) == self.id => meta.len(),
            _ => self
                .file
                .metadata()
                .map_err(|e| SegmentError::io(&self.path, "stat", e))?
                .len(),
        };
        let faulted = guard::is_lost(&self.guard);
        if faulted || len_now < mapped {
            return Err(SegmentError::make(
                &self.path,
                SegmentErrorKind::Shrunk {
                    len_now,
                    len_mapped: mapped,
                    faulted,
                },
            ));
        }
        if let Some(at_path) = at_path {
            let found = at_path.map(|meta| (meta.dev(), meta.ino()));
            if found != Some(self.id) {
                return Err(SegmentError::make(
                    &self.path,
                    SegmentErrorKind::Replaced {
                        mapped: self.id,
                        found,
                    },
                ));
            }
        }
        Ok(())
    }

    /// Refuses a segment that does not hold an `L` at an address aligned for it: the
    /// checks of every typed open and creation. `L` must fit a segment at all, the file
    /// must hold `L`'s layout, and the payload must be aligned for it; for a writable
    /// mapping also every width must be lock-free and the payload a valid view of `L`.
    pub(super) fn holds<L: Layout>(&self) -> Result<(), Error> {
        check_fits::<L>(&self.path)?;
        check_layout::<L>(&self.info, &self.path)?;
        check_layout_aligned::<L>(self.region().as_ptr() as usize)?;
        if self.writable {
            check_layout_lock_free::<L>()?;
            // Alignment and size of the payload, as `view` checks them.
            self.region().view::<L>()?;
        }
        Ok(())
    }

    /// The payload's first byte (`payload_offset` bytes into the mapping), valid while
    /// `self` lives.
    #[inline]
    pub(super) fn payload(&self) -> *mut u8 {
        self.payload.0
    }

    /// The payload: writable or read-only as the file was opened.
    pub(super) fn region(&self) -> Region<'_> {
        let len = self.info.payload_size as usize;
        if self.writable {
            // SAFETY: a read-write shared mapping valid while `self` lives, holding the
            // payload (`read_info` checked offset + size against the file, and exactly that
            // much was mapped), accessed only atomically.
            unsafe { Region::from_raw_parts(self.payload(), len) }
        } else {
            // SAFETY: a read-only mapping valid while `self` lives, holding the payload;
            // others write it only atomically.
            unsafe { Region::from_raw_parts_readonly(self.payload(), len) }
        }
    }
}
