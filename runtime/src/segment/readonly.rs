//! [`ReadOnlySegment<L>`]: the typed handle mapped `PROT_READ`, which only loads, with
//! loads that never write.

use core::marker::PhantomData;
use std::path::Path;

use super::error::{SegmentError, SegmentErrorKind};
use super::handle::mapped_handle_methods;
use super::mapping::{Access, Mapping};
use super::owner::Trust;
use crate::cell::value::Value;
use crate::error::Error;
use crate::fields::snapshot_layout;
use crate::layout::descriptor::{LayoutDescBuf, value_type_name};
use crate::layout::{Layout, Plain};
use crate::view::region::Region;

/// A read-only segment handle: the file opened `O_RDONLY` and mapped `PROT_READ`. It
/// offers loads only, and only loads that never write: widths up to 8 bytes are plain
/// loads; a 16-byte field is loaded only where that is write-free (x86_64 with AVX),
/// and refused with `UnsupportedWidth` elsewhere instead of faulting. There is no way to
/// store through it: it does not dereference to `&L`.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Segment;
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
    /// Opens `path` read-only (a bare name resolves under [`default_dir`](crate::default_dir)); the file
    /// needs only read permission.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_with(path.as_ref(), &Trust::new())
    }

    pub(super) fn open_with(path: &Path, trust: &Trust) -> Result<Self, Error> {
        let m = Mapping::open_checked(path, Access::ReadOnly, trust, Some(Mapping::holds::<L>))?;
        Ok(ReadOnlySegment {
            m,
            _layout: PhantomData,
        })
    }

    mapped_handle_methods!("Segment::<Counters>::open_readonly(&path)?");

    /// The payload as a read-only [`Region`]: `read_at` works, writable views are refused.
    pub fn region(&self) -> Region<'_> {
        self.m.region()
    }

    /// Loads every field into a snapshot (each value atomically, with write-free loads),
    /// and each `Seq` record through the protocol, as the typed
    /// [`Segment::snapshot`](crate::Segment) does: a record is one whole record
    /// ([`SeqSnapshot::is_whole`](crate::SeqSnapshot::is_whole)) or, when its writer died
    /// in the middle of a write, its values one by one with the odd or torn word, and
    /// `is_whole()` false.
    pub fn snapshot(&self) -> Result<L::Snapshot, Error> {
        read_snapshot::<L>(self.region(), &self.m.info.descriptor, &self.m.path)
    }

    /// Loads the value at a field path (`hits`, `net.rx`, `hist[3]`). The type must be
    /// the field's: another is refused with [`SegmentErrorKind::FieldType`], naming both;
    /// a path that names no single value, with [`Error::Path`].
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Error, Segment, SegmentErrorKind};
    ///
    /// #[atomic_layout]
    /// pub struct Counters { pub hits: u64 }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("load");
    /// Segment::<Counters>::create(&path)?.hits().store(3);
    /// let ro = Segment::<Counters>::open_readonly(&path)?;
    /// assert_eq!(ro.load::<u64>("hits")?, 3);
    /// match ro.load::<u32>("hits") {
    ///     Err(Error::Segment(e)) => assert!(matches!(e.kind, SegmentErrorKind::FieldType { .. })),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load<T: Value>(&self, field: &str) -> Result<T, Error> {
        let (offset, kind, width) = self.m.info.descriptor.locate(field)?.into_value(field)?;
        if kind != T::KIND || width != T::WIDTH {
            return Err(SegmentError::make(
                &self.m.path,
                SegmentErrorKind::FieldType {
                    field: field.into(),
                    stored: value_type_name(kind, width),
                    requested: value_type_name(T::KIND, T::WIDTH),
                },
            ));
        }
        Ok(self.region().read_at::<T>(offset)?.load())
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

/// Reads a whole layout from a (possibly read-only) region ([`snapshot_layout`]: each
/// record through the protocol, `bool` bytes normalized so the snapshot is valid). `path`
/// names the segment in errors.
fn read_snapshot<L: Layout>(
    region: Region<'_>,
    desc: &LayoutDescBuf,
    path: &Path,
) -> Result<L::Snapshot, Error> {
    let copy = snapshot_layout(&region, desc)?;
    L::Snapshot::try_from_bytes(copy.bytes()).ok_or_else(|| {
        SegmentError::make(
            path,
            SegmentErrorKind::InvalidSnapshot {
                layout: L::NAME.into(),
            },
        )
    })
}
