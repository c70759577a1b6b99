//! Creating: a segment is built in a temporary file in the same directory (created with
//! `O_EXCL`, mode 0600 unless asked otherwise, named and swept as `tmp.rs` says), fully initialized, its ready word stored
//! with release order, and then hard-linked to its name, which fails if the name exists.
//! So no process ever sees a half-written segment, and of many processes racing
//! [`Segment::open_or_create`] exactly one creates it.

use core::sync::atomic::{AtomicU64, Ordering};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::vec;
use std::vec::Vec;

use zerocopy::IntoBytes;

use super::error::{SegmentError, SegmentErrorKind};
use super::format::{FIXED_HEADER, READY, READY_OFFSET, image};
use super::mapping::map;
use super::owner::Trust;
use super::tmp::{lock_creating, sweep_for_create, temp_name};
use super::typed::Segment;
use crate::error::Error;
use crate::layout::Layout;
use crate::layout::descriptor::LayoutDescBuf;

/// The payload of a new segment without initial contents: `L::SIZE` zero bytes (by the
/// `Layout` contract, all zero is a valid `L`).
pub(super) fn zeroed_payload<L: Layout>() -> Vec<u8> {
    vec![0u8; L::SIZE]
}

/// Writes a complete segment image to `file`, then sets the ready word with release
/// order through a shared mapping, as the last step.
pub(super) fn write_image<L: Layout>(
    file: &File,
    path: &Path,
    payload: &[u8],
) -> Result<(), Error> {
    let desc = LayoutDescBuf::from_desc(&L::DESC);
    let img = image(&desc, L::FINGERPRINT, payload);
    let mut w = file;
    w.write_all(&img)
        .map_err(|e| SegmentError::io(path, "write", e))?;
    let m = map(file, path, FIXED_HEADER as u64, true)?;
    // SAFETY: the mapping is FIXED_HEADER bytes and page-aligned, so the ready word at
    // READY_OFFSET (a multiple of 8, asserted in `format`) is 8-byte aligned and in
    // bounds; the file is not yet visible to any other process (it is the temporary or
    // an unshared descriptor), and the word is accessed only atomically.
    let ready = unsafe { AtomicU64::from_ptr(m.as_mut_ptr().wrapping_add(READY_OFFSET).cast()) };
    // The header's `ready` field is native-endian: the atomic stores READY as it is.
    ready.store(READY, Ordering::Release);
    m.flush().map_err(|e| SegmentError::io(path, "msync", e))?;
    Ok(())
}

impl<L: Layout> Segment<L> {
    pub(super) fn create_impl(
        path: &Path,
        mode: u32,
        initial: Option<&L::Snapshot>,
    ) -> Result<Self, Error> {
        let payload = match initial {
            Some(s) => s.as_bytes().to_vec(),
            None => zeroed_payload::<L>(),
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if mode & !0o777 != 0 {
            return Err(SegmentError::make(
                path,
                SegmentErrorKind::InvalidMode { mode },
            ));
        }
        // Leftovers of creators killed mid-create go first (bounded, best effort).
        sweep_for_create(&dir);
        let tmp = dir.join(temp_name());
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
            .map_err(|e| SegmentError::io(&tmp, "create", e))?;
        lock_creating(&file);
        let result = write_image::<L>(&file, &tmp, &payload).and_then(|()| {
            fs::hard_link(&tmp, path).map_err(|e| SegmentError::io(path, "link", e))
        });
        // The temporary name goes whatever happened; the file lives on under `path`.
        let _ = fs::remove_file(&tmp);
        result?;
        Self::from_checked_file(file, path.to_path_buf())
    }

    pub(super) fn open_or_create_impl(
        path: &Path,
        mode: u32,
        initial: Option<&L::Snapshot>,
        trust: &Trust,
    ) -> Result<Self, Error> {
        // Open wins when the file exists; create wins the race for a missing one; the
        // loser of a create race opens what the winner linked. Bounded: only another
        // process removing the file in between could make a round fail.
        let mut last = None;
        for _ in 0..16 {
            match Self::open_impl(path, trust) {
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
}
