//! [`SegmentInfo`]: a segment's header, parsed and checked.

use std::time::SystemTime;

use crate::layout::descriptor::LayoutDescBuf;

/// The parsed header of a segment, from [`Segment::info`](crate::Segment::info),
/// [`ReadOnlySegment::info`](crate::ReadOnlySegment::info) or
/// [`RawSegment::info`](crate::RawSegment::info). The raw bytes are a
/// [`SegmentHeader`](crate::SegmentHeader).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, Segment};
///
/// #[atomic_layout]
/// struct Counters { hits: u64 }
///
/// let dir = tempfile::tempdir()?;
/// let seg = Segment::<Counters>::create(dir.path().join("c"))?;
/// let info = seg.info();
/// assert_eq!(info.layout_name(), "Counters");
/// assert_eq!(info.fingerprint, Counters::FINGERPRINT);
/// assert_eq!(info.payload_size, Counters::SIZE as u64);
/// assert_eq!(info.creator_pid, std::process::id());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
