//! [`Mapping`]: an open, checked segment file mapped `MAP_SHARED`, which every segment
//! handle holds; the payload is reached only through [`Region`]s of raw pointers. Every
//! mapping is registered with the truncation guard (`guard.rs`) while it lives.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::{MmapOptions, MmapRaw};

use super::error::{SegmentError, SegmentErrorKind};
use super::guard::{self, Registration};
use super::info::SegmentInfo;
use super::open::{check_layout, open_file, read_info};
use super::owner::Trust;
use crate::error::Error;
use crate::layout::{Layout, check_layout_aligned};
use crate::view::region::Region;

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
/// It keeps the file open (for `fstat` in [`Mapping::check_file`]) and its range
/// registered with the truncation guard; `Drop` unregisters the range before the
/// fields drop and `MmapRaw` unmaps it.
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
    /// Opens `path` (already resolved), checks its owner and mode on the descriptor
    /// against `trust`, then its header, and maps header and payload.
    pub(super) fn open(path: PathBuf, writable: bool, trust: &Trust) -> Result<Mapping, Error> {
        let file = open_file(&path, writable)?;
        let meta = file
            .metadata()
            .map_err(|e| SegmentError::io(&path, "stat", e))?;
        trust.check(&meta, &path)?;
        Mapping::from_file(&file, path, writable)
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
        Ok(Mapping {
            payload,
            map,
            path,
            info,
            writable,
            file,
            guard,
        })
    }

    /// Whether the segment is still whole: `Ok` if the file is still as long as the
    /// mapping and no access faulted beyond its end; else [`SegmentErrorKind::Shrunk`]
    /// (or an I/O error from `fstat`).
    pub(super) fn check_file(&self) -> Result<(), Error> {
        let mapped = self.info.payload_offset + self.info.payload_size;
        let now = self
            .file
            .metadata()
            .map_err(|e| SegmentError::io(&self.path, "stat", e))?
            .len();
        let faulted = guard::is_lost(&self.guard);
        if faulted || now < mapped {
            return Err(SegmentError::make(
                &self.path,
                SegmentErrorKind::Shrunk {
                    len_now: now,
                    len_mapped: mapped,
                    faulted,
                },
            ));
        }
        Ok(())
    }

    /// Refuses a segment that does not hold an `L` at an address aligned for it.
    pub(super) fn check<L: Layout>(&self) -> Result<(), Error> {
        check_layout::<L>(&self.info, &self.path)?;
        check_layout_aligned::<L>(self.region().as_ptr() as usize)
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
