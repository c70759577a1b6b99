//! The file format, stated once: the constants and the fixed header as a `#[repr(C)]`
//! struct of byte-order-explicit integers whose every offset is asserted at compile time.
//! Encoding ([`SegmentHeader::new_for`], [`image`]) and the checks of a header read back
//! ([`SegmentHeader::check`]) both go through the struct, so no offset is written twice.
//!
//! The C helper in `layout/cheader.rs` reads the same header; its offsets are C text and
//! are checked against this struct by the C tests (`tests/segment/c.rs`).

use core::mem::{offset_of, size_of};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use std::vec;
use std::vec::Vec;

use zerocopy::byteorder::{little_endian, native_endian};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::layout::descriptor::LayoutDescBuf;

/// The first 8 bytes of every segment.
pub const MAGIC: [u8; 8] = *b"\x89ATOMSEG";
/// The newest format version this crate writes and reads.
///
/// Version 2 added the field types `Seq`, `Striped` and `Event` (descriptor type tags
/// 2, 3 and 4). A segment is written with the oldest version that can hold its layout
/// ([`LayoutDescBuf::format_version`]), so a layout of plain values and nested layouts
/// is still written as version 1 and older readers keep opening it; they refuse a
/// version-2 file by its version. Readers accept every version up to this one and
/// refuse a file whose descriptor uses a type newer than the version it declares.
pub const FORMAT_VERSION: u32 = 2;
/// The value of the ready word of a complete segment, stored at offset 64 in the payload's
/// (the creating machine's) byte order by one atomic `u64` store, and read the same way by
/// [`SegmentHeader::ready`], `open` and the C helper.
pub const READY: u64 = 0x5245_4144_5921_0001;
/// Bytes of the fixed header, before the descriptor: `size_of::<SegmentHeader>()`.
pub const FIXED_HEADER: usize = 128;
/// The payload starts at a multiple of this (and of the layout's alignment).
pub const PAYLOAD_ALIGN: usize = 64;
/// The byte-order mark, stored in the payload's byte order.
pub(super) const BYTE_ORDER: u32 = 0x0102_0304;
/// Descriptors longer than this are refused as malformed.
pub(super) const MAX_DESCRIPTOR: usize = 1 << 20;

/// The fixed header at the start of every segment file (format versions 1 and 2): exactly
/// [`FIXED_HEADER`] bytes, alignment 1, no padding, so its bytes are the file's bytes.
///
/// Integers are little-endian (`zerocopy::byteorder::little_endian` types) except the
/// byte-order mark and the ready word, which are in the payload's (the creating
/// machine's) byte order (`zerocopy::byteorder::native_endian` types): the mark tells a reader which order that is, and the
/// ready word is read and written as one atomic `u64` by Rust and C alike. On a
/// little-endian machine every field is little-endian. A file is laid out as:
///
/// | offset | size | what |
/// |-------:|-----:|------|
/// | 0      | 128  | this header |
/// | 128    | `descriptor_len` | the canonical layout descriptor ([`LayoutDescBuf::encode`]); its name is the layout's name |
/// | `payload_offset` | `payload_size` | the payload: the layout's bytes |
///
/// The field offsets below are asserted at compile time with `offset_of!`. Use this type
/// to read or patch a header in tools and tests; [`Segment::open`](crate::Segment::open)
/// does every check of a header, and [`Segment::info`](crate::Segment::info) gives the
/// parsed result.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{FIXED_HEADER, MAGIC, READY, Segment, SegmentHeader};
///
/// #[atomic_layout]
/// struct Counters { hits: u64 }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("counters");
/// let seg = Segment::<Counters>::create(&path)?;
/// let bytes = std::fs::read(&path)?;
/// let header = SegmentHeader::read(&bytes).expect("at least FIXED_HEADER bytes");
/// assert_eq!(header.magic, MAGIC);
/// assert_eq!(header.version.get(), 1);
/// assert_eq!(header.ready.get(), READY);
/// assert_eq!(header.payload_offset.get(), seg.info().payload_offset);
/// assert_eq!(header.descriptor_offset.get() as usize, FIXED_HEADER);
/// assert_eq!(header.to_bytes()[..], bytes[..FIXED_HEADER]);
/// // Where a field lives, for patching a file by hand:
/// assert_eq!(core::mem::offset_of!(SegmentHeader, ready), 64);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
pub struct SegmentHeader {
    /// Offset 0: [`MAGIC`], `\x89ATOMSEG`.
    pub magic: [u8; 8],
    /// Offset 8: the format version, [`FORMAT_VERSION`].
    pub version: little_endian::U32,
    /// Offset 12: bytes of header and descriptor, rounded up to [`PAYLOAD_ALIGN`].
    pub header_len: little_endian::U32,
    /// Offset 16: where the payload starts, a multiple of max([`PAYLOAD_ALIGN`],
    /// the layout's alignment).
    pub payload_offset: little_endian::U64,
    /// Offset 24: the payload's size (`L::SIZE`).
    pub payload_size: little_endian::U64,
    /// Offset 32: the layout's fingerprint (`L::FINGERPRINT`).
    pub fingerprint: little_endian::U64,
    /// Offset 40: creation time, nanoseconds since the Unix epoch.
    pub created_ns: little_endian::U64,
    /// Offset 48: the creating process's id.
    pub creator_pid: little_endian::U32,
    /// Offset 52: the byte-order mark `0x01020304` in the payload's byte order.
    pub byte_order: native_endian::U32,
    /// Offset 56: where the descriptor starts: always [`FIXED_HEADER`] (128).
    pub descriptor_offset: little_endian::U32,
    /// Offset 60: the descriptor's length in bytes.
    pub descriptor_len: little_endian::U32,
    /// Offset 64: the ready word: `0` while the segment is being built, [`READY`] once it
    /// is complete (stored last, with release order).
    pub ready: native_endian::U64,
    /// Offset 72: reserved, zero.
    pub reserved: [u8; 56],
}

// The format, checked against the struct: a change of any field's offset or of the
// header's size is a compile error here, not a silently different file.
const _: () = {
    assert!(size_of::<SegmentHeader>() == FIXED_HEADER);
    assert!(offset_of!(SegmentHeader, magic) == 0);
    assert!(offset_of!(SegmentHeader, version) == 8);
    assert!(offset_of!(SegmentHeader, header_len) == 12);
    assert!(offset_of!(SegmentHeader, payload_offset) == 16);
    assert!(offset_of!(SegmentHeader, payload_size) == 24);
    assert!(offset_of!(SegmentHeader, fingerprint) == 32);
    assert!(offset_of!(SegmentHeader, created_ns) == 40);
    assert!(offset_of!(SegmentHeader, creator_pid) == 48);
    assert!(offset_of!(SegmentHeader, byte_order) == 52);
    assert!(offset_of!(SegmentHeader, descriptor_offset) == 56);
    assert!(offset_of!(SegmentHeader, descriptor_len) == 60);
    assert!(offset_of!(SegmentHeader, ready) == 64);
    assert!(offset_of!(SegmentHeader, reserved) == 72);
    // The ready word is accessed as an `AtomicU64` in a page-aligned mapping.
    assert!(offset_of!(SegmentHeader, ready) % 8 == 0);
};

/// The offset of the ready word, for the atomic store that publishes a segment.
pub(super) const READY_OFFSET: usize = offset_of!(SegmentHeader, ready);

impl SegmentHeader {
    /// Copies the header out of the first [`FIXED_HEADER`] bytes of `bytes`; `None` if
    /// there are fewer. Nothing is checked: see [`Segment::open`](crate::Segment::open).
    pub fn read(bytes: &[u8]) -> Option<SegmentHeader> {
        SegmentHeader::read_from_prefix(bytes).ok().map(|(h, _)| h)
    }

    /// The header's bytes, as stored at the start of the file.
    pub fn to_bytes(&self) -> [u8; FIXED_HEADER] {
        let mut out = [0u8; FIXED_HEADER];
        out.copy_from_slice(self.as_bytes());
        out
    }

    /// The header of a new segment whose descriptor is `desc_len` bytes, whose layout
    /// is aligned to `align` and `payload_size` bytes long; ready word zero.
    pub(super) fn new_for(
        version: u32,
        desc_len: usize,
        align: usize,
        payload_size: usize,
        fingerprint: u64,
    ) -> SegmentHeader {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        // The casts cannot truncate for a layout that compiles: its descriptor is far
        // below 4 GiB (and one over MAX_DESCRIPTOR is refused when the file is opened).
        SegmentHeader {
            magic: MAGIC,
            version: version.into(),
            header_len: (header_len(desc_len) as u32).into(),
            payload_offset: (payload_offset(desc_len, align) as u64).into(),
            payload_size: (payload_size as u64).into(),
            fingerprint: fingerprint.into(),
            created_ns: (now.as_nanos() as u64).into(),
            creator_pid: std::process::id().into(),
            byte_order: BYTE_ORDER.into(),
            descriptor_offset: (FIXED_HEADER as u32).into(),
            descriptor_len: (desc_len as u32).into(),
            ready: 0.into(),
            reserved: [0; 56],
        }
    }
}

/// Bytes of header and a descriptor of `desc_len` bytes, rounded up to [`PAYLOAD_ALIGN`].
fn header_len(desc_len: usize) -> usize {
    (FIXED_HEADER + desc_len).div_ceil(PAYLOAD_ALIGN) * PAYLOAD_ALIGN
}

/// The payload offset for a descriptor of `desc_len` bytes and a layout aligned to
/// `align`.
fn payload_offset(desc_len: usize, align: usize) -> usize {
    let a = align.max(PAYLOAD_ALIGN);
    (FIXED_HEADER + desc_len).div_ceil(a) * a
}

/// The bytes of a new segment holding `payload`, ready word zero.
pub(super) fn image(desc: &LayoutDescBuf, fingerprint: u64, payload: &[u8]) -> Vec<u8> {
    let d = desc.encode();
    let header = SegmentHeader::new_for(
        desc.format_version(),
        d.len(),
        desc.align,
        payload.len(),
        fingerprint,
    );
    let off = payload_offset(d.len(), desc.align);
    let mut out = vec![0u8; off + payload.len()];
    out[..FIXED_HEADER].copy_from_slice(header.as_bytes());
    out[FIXED_HEADER..FIXED_HEADER + d.len()].copy_from_slice(&d);
    out[off..].copy_from_slice(payload);
    out
}
