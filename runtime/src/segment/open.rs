//! Opening: the file opened without following links, its header and descriptor read
//! and checked ([`read_info`]), and the layout compared with the one the caller expects.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::string::ToString;
use std::{format, vec};

use zerocopy::FromZeros;

use super::error::{SegmentError, SegmentErrorKind};
use super::format::{FIXED_HEADER, SegmentHeader};
use super::info::SegmentInfo;
use crate::error::Error;
use crate::layout::Layout;
use crate::layout::descriptor::LayoutDescBuf;

/// Opens `path` for reading (and writing if `write`): no following of a final symlink,
/// no blocking on a FIFO, not inherited by exec.
pub(super) fn open_file(path: &Path, write: bool) -> Result<File, Error> {
    OpenOptions::new()
        .read(true)
        .write(write)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| SegmentError::io(path, "open", e))
}

/// Reads and validates the header and descriptor of any segment (no layout expected).
pub(super) fn read_info(file: &File, path: &Path) -> Result<SegmentInfo, Error> {
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
    let mut header = SegmentHeader::new_zeroed();
    file.read_exact_at(zerocopy::IntoBytes::as_mut_bytes(&mut header), 0)
        .map_err(|e| SegmentError::io(path, "read header", e))?;
    let h = header
        .check(len)
        .map_err(|kind| SegmentError::make(path, kind))?;
    let malformed = |what| SegmentError::make(path, SegmentErrorKind::Malformed(what));
    // `check` bounded the descriptor by MAX_DESCRIPTOR and by the file's length.
    let mut d = vec![0u8; h.descriptor_len as usize];
    file.read_exact_at(&mut d, FIXED_HEADER as u64)
        .map_err(|e| SegmentError::io(path, "read descriptor", e))?;
    let descriptor = LayoutDescBuf::decode(&d).map_err(|e| malformed(e.to_string()))?;
    if descriptor.format_version() > h.version {
        return Err(malformed(format!(
            "format version {} declared, but the descriptor uses field types of version {}",
            h.version,
            descriptor.format_version()
        )));
    }
    if descriptor.fingerprint() != h.fingerprint {
        return Err(malformed(format!(
            "the descriptor's fingerprint {:#018x} is not the header's {:#018x}",
            descriptor.fingerprint(),
            h.fingerprint
        )));
    }
    if descriptor.size as u64 != h.payload_size {
        return Err(malformed(format!(
            "payload size {}, but the layout is {} bytes",
            h.payload_size, descriptor.size
        )));
    }
    if h.payload_offset % descriptor.align as u64 != 0 {
        return Err(malformed(format!(
            "payload offset {} is not aligned to {}",
            h.payload_offset, descriptor.align
        )));
    }
    Ok(SegmentInfo {
        version: h.version,
        header_len: h.header_len,
        payload_offset: h.payload_offset,
        payload_size: h.payload_size,
        fingerprint: h.fingerprint,
        creator_pid: h.creator_pid,
        created: h.created,
        descriptor,
    })
}

/// Refuses a segment that holds another layout than `L`, listing the fields that differ.
pub(super) fn check_layout<L: Layout>(info: &SegmentInfo, path: &Path) -> Result<(), Error> {
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
