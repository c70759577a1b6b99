//! Creating: a segment is built in a temporary file in the same directory (created with
//! `O_EXCL`, mode 0600 unless asked otherwise, named and swept as `tmp.rs` says), fully initialized, its ready word stored
//! with release order, and then hard-linked to its name, which fails if the name exists.
//! So no process ever sees a half-written segment, and of many processes racing
//! [`Segment::open_or_create`](crate::Segment::open_or_create) exactly one creates it
//! (the race's loop is in `typed.rs`).
//!
//! Every check that can refuse the new segment runs before the link: the layout's own
//! ([`check_new`]: lock-free widths, alignment at most [`MAX_ALIGN`](crate::MAX_ALIGN), a descriptor that
//! encodes and decodes back, sizes) before any file is made, and every check of `open`
//! on the written, mapped temporary file. A refused creation leaves nothing at the path,
//! so retrying it gives the same error, never `AlreadyExists`.

use core::sync::atomic::{AtomicU64, Ordering};
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::string::String;
use std::vec::Vec;
use std::{format, vec};

use super::error::{SegmentError, SegmentErrorKind};
use super::format::{FIXED_HEADER, MAX_DESCRIPTOR, READY, READY_OFFSET, image};
use super::mapping::map;
use super::open::check_fits;
use super::tmp::{lock_creating, sweep_for_create, temp_name};
use crate::error::Error;
use crate::layout::descriptor::LayoutDescBuf;
use crate::layout::{Layout, check_layout_lock_free};

/// The payload of a new segment without initial contents: `L::SIZE` zero bytes (by the
/// `Layout` contract, all zero is a valid `L`).
pub(super) fn zeroed_payload<L: Layout>() -> Vec<u8> {
    vec![0u8; L::SIZE]
}

/// Every check that can refuse a new segment of `L` holding `payload` and that does not
/// need the file: run before the temporary file is made (and so long before it is linked
/// into place). Returns the descriptor to write.
pub(super) fn check_new<L: Layout>(path: &Path, payload: &[u8]) -> Result<LayoutDescBuf, Error> {
    check_layout_lock_free::<L>()?;
    check_fits::<L>(path)?;
    let refuse = |reason: String| {
        SegmentError::make(
            path,
            SegmentErrorKind::UnsupportedLayout {
                layout: L::NAME.into(),
                reason,
            },
        )
    };
    if payload.len() != L::SIZE {
        return Err(refuse(format!(
            "is {} bytes, but its initial contents are {}; fix its Snapshot type",
            L::SIZE,
            payload.len()
        )));
    }
    // What `open` will read back: the encoding must decode to the same descriptor (names,
    // field counts, nesting, offsets and alignments within the decoder's limits), fit the
    // header's limit, and hash to the layout's fingerprint.
    let desc = LayoutDescBuf::from_desc(&L::DESC);
    let encoded = desc.encode();
    if encoded.len() > MAX_DESCRIPTOR {
        return Err(refuse(format!(
            "has a descriptor of {} bytes, above the format's limit of {MAX_DESCRIPTOR}",
            encoded.len()
        )));
    }
    match LayoutDescBuf::decode(&encoded) {
        Ok(back) if back == desc => {}
        Ok(_) => {
            return Err(refuse(
                "has a descriptor that does not read back as written".into(),
            ));
        }
        Err(e) => {
            return Err(refuse(format!(
                "has a descriptor that open would refuse ({e})"
            )));
        }
    }
    if desc.fingerprint() != L::FINGERPRINT {
        return Err(refuse(format!(
            "has FINGERPRINT {:#018x}, but its descriptor hashes to {:#018x}",
            L::FINGERPRINT,
            desc.fingerprint()
        )));
    }
    // The whole file must be mappable: header, descriptor and payload within isize::MAX.
    let total = (FIXED_HEADER + encoded.len())
        .checked_next_multiple_of(L::ALIGN.max(64))
        .and_then(|off| off.checked_add(L::SIZE))
        .filter(|&t| isize::try_from(t).is_ok());
    if total.is_none() {
        return Err(refuse(format!("is {} bytes, too large to map", L::SIZE)));
    }
    Ok(desc)
}

/// Writes a complete segment image to `file` at offset 0 (`pwrite`, whatever the file's
/// position), then sets the ready word with release order through a shared mapping, as
/// the last step. `desc` is the one [`check_new`] returned.
pub(super) fn write_image<L: Layout>(
    file: &File,
    path: &Path,
    desc: &LayoutDescBuf,
    payload: &[u8],
) -> Result<(), Error> {
    write_image_fp(file, path, desc, L::FINGERPRINT, payload)
}

/// [`write_image`] for a descriptor without its Rust type (`RawSegment::create`).
pub(super) fn write_image_fp(
    file: &File,
    path: &Path,
    desc: &LayoutDescBuf,
    fingerprint: u64,
    payload: &[u8],
) -> Result<(), Error> {
    let img = image(desc, fingerprint, payload);
    file.write_all_at(&img, 0)
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

/// The creation protocol that typed and raw creation share, once the refusals that need
/// no file have run: the mode is checked, leftovers of creators killed mid-create are
/// swept (bounded, best effort), a temporary file is created exclusively (`O_NOFOLLOW`,
/// `mode`) and locked, `fill` writes the image and runs every check of `open` on it,
/// mapped, and only then is it linked at `path`. The temporary name goes whatever
/// happened, so a refusal leaves nothing at `path`.
pub(super) fn create_linked<T>(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(File, &Path) -> Result<T, Error>,
) -> Result<T, Error> {
    if mode & !0o777 != 0 {
        return Err(SegmentError::make(
            path,
            SegmentErrorKind::InvalidMode { mode },
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
    let result = fill(file, &tmp).and_then(|made| {
        fs::hard_link(&tmp, path).map_err(|e| SegmentError::io(path, "link", e))?;
        Ok(made)
    });
    let _ = fs::remove_file(&tmp);
    result
}
