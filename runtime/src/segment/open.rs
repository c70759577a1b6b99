//! Opening: the file opened without following links, its header and descriptor read
//! and checked ([`read_info`]), and the layout compared with the one the caller expects.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::string::{String, ToString};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use std::{format, vec};

use zerocopy::FromZeros;

use super::error::{SegmentError, SegmentErrorKind};
use super::format::{
    BYTE_ORDER, FIXED_HEADER, FORMAT_VERSION, MAGIC, MAX_DESCRIPTOR, PAYLOAD_ALIGN, READY,
    SegmentHeader,
};
use super::info::SegmentInfo;
use crate::error::Error;
use crate::layout::descriptor::LayoutDescBuf;
use crate::layout::{Layout, MAX_ALIGN};

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

/// Refuses a layout that no segment can hold, whatever the file: an alignment that is not
/// a power of two or is above [`MAX_ALIGN`] (the page size: `mmap` places the payload at a
/// page boundary plus its offset, so no more can be kept), or a descriptor whose size or
/// alignment is not the type's. `#[atomic_layout]` never makes such a layout; a
/// hand-written `unsafe impl Layout` can. Run by creation and by every typed open.
pub(super) fn check_fits<L: Layout>(path: &Path) -> Result<(), Error> {
    let refuse = |reason: String| {
        SegmentError::make(
            path,
            SegmentErrorKind::UnsupportedLayout {
                layout: L::NAME.into(),
                reason,
            },
        )
    };
    if !L::ALIGN.is_power_of_two() || L::ALIGN > MAX_ALIGN {
        return Err(refuse(format!(
            "is aligned to {} bytes, but a segment keeps at most {MAX_ALIGN} (MAX_ALIGN, the \
             page size) since its payload is mapped at a page boundary; align it to {MAX_ALIGN} \
             or less",
            L::ALIGN
        )));
    }
    if L::DESC.align != L::ALIGN || L::DESC.size != L::SIZE {
        return Err(refuse(format!(
            "has SIZE {} and ALIGN {}, but its descriptor says {} and {}; fix its Layout impl",
            L::SIZE,
            L::ALIGN,
            L::DESC.size,
            L::DESC.align
        )));
    }
    Ok(())
}

/// What a header that passed [`SegmentHeader::check`] says, as native integers.
pub(super) struct CheckedHeader {
    pub(super) version: u32,
    pub(super) header_len: u64,
    pub(super) payload_offset: u64,
    pub(super) payload_size: u64,
    pub(super) fingerprint: u64,
    pub(super) created: SystemTime,
    pub(super) creator_pid: u32,
    pub(super) descriptor_len: u64,
}

/// The header checks live here, with the rest of opening, so that `format.rs` (the
/// format's definition) needs no error vocabulary.
impl SegmentHeader {
    /// Checks the header of a file of `file_len` bytes on its own (the descriptor is
    /// checked by the caller), in the order a reader needs: magic, version, byte order,
    /// descriptor place, header length, payload offset, ready word, file length.
    pub(super) fn check(&self, file_len: u64) -> Result<CheckedHeader, SegmentErrorKind> {
        if self.magic != MAGIC {
            return Err(SegmentErrorKind::Foreign);
        }
        let version = self.version.get();
        if version == 0 || version > FORMAT_VERSION {
            return Err(SegmentErrorKind::Version { found: version });
        }
        let bom = self.byte_order.get();
        if bom != BYTE_ORDER {
            return Err(if bom.swap_bytes() == BYTE_ORDER {
                SegmentErrorKind::ByteOrder
            } else {
                SegmentErrorKind::Malformed(format!("byte-order mark {bom:#x}"))
            });
        }
        let malformed = |what: std::string::String| SegmentErrorKind::Malformed(what);
        let header_len = u64::from(self.header_len.get());
        let payload_off = self.payload_offset.get();
        let payload_size = self.payload_size.get();
        let desc_off = u64::from(self.descriptor_offset.get());
        let desc_len = u64::from(self.descriptor_len.get());
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
        if self.ready.get() != READY {
            return Err(SegmentErrorKind::NotReady);
        }
        let needed = payload_off
            .checked_add(payload_size)
            .ok_or_else(|| malformed(format!("payload size {payload_size}")))?;
        if file_len < needed || file_len < desc_off + desc_len {
            return Err(SegmentErrorKind::Truncated {
                len: file_len,
                needed,
            });
        }
        Ok(CheckedHeader {
            version,
            header_len,
            payload_offset: payload_off,
            payload_size,
            fingerprint: self.fingerprint.get(),
            created: UNIX_EPOCH + Duration::from_nanos(self.created_ns.get()),
            creator_pid: self.creator_pid.get(),
            descriptor_len: desc_len,
        })
    }
}
