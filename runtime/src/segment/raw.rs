//! [`RawSegment`]: any segment opened without its layout type, for tools: the header,
//! the descriptor, and every field through the dynamic API.

use std::path::Path;

use super::handle::mapped_handle_methods;
use super::mapping::{Access, Mapping};
use super::owner::Trust;
use crate::error::Error;
use crate::layout::walk::Leaf;
use crate::view::dynamic::DynAtomicView;
use crate::view::region::Region;

/// A segment opened without knowing its layout type, for tools: the header, the
/// descriptor, and every field through the dynamic API.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{RawSegment, Segment};
///
/// #[atomic_layout]
/// pub struct Net { pub rx: u64, pub tx: u64 }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("net");
/// Segment::<Net>::create(&path)?.rx().add(1500);
///
/// let raw = RawSegment::open(&path)?;
/// assert_eq!(raw.info().layout_name(), "Net");
/// let rx = raw.field("rx")?;
/// assert_eq!(rx.load()?.as_u128(), 1500);
/// rx.fetch_add(1)?;
/// assert_eq!(raw.field("rx")?.load()?.as_u128(), 1501);
/// assert!(raw.field("nope").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RawSegment {
    pub(super) m: Mapping,
}

impl RawSegment {
    /// Opens any segment read-write; only its own header and descriptor are checked,
    /// and its owner and mode as [`Trust::new`] says (this user's or root's file, that
    /// only its owner may write).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_with(path, &Trust::new())
    }

    /// Opens any segment read-only (mapped `PROT_READ`; fields offer load and bit_test).
    pub fn open_readonly(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_readonly_with(path, &Trust::new())
    }

    /// [`RawSegment::open`], accepting the owners and modes `trust` allows.
    pub fn open_with(path: impl AsRef<Path>, trust: &Trust) -> Result<Self, Error> {
        Self::open_mode(path.as_ref(), Access::ReadWrite, trust)
    }

    /// [`RawSegment::open_readonly`], accepting the owners and modes `trust` allows.
    pub fn open_readonly_with(path: impl AsRef<Path>, trust: &Trust) -> Result<Self, Error> {
        Self::open_mode(path.as_ref(), Access::ReadOnly, trust)
    }

    fn open_mode(path: &Path, access: Access, trust: &Trust) -> Result<Self, Error> {
        Ok(RawSegment {
            m: Mapping::open_checked(path, access, trust, None)?,
        })
    }

    mapped_handle_methods!("RawSegment::open_readonly(&path)?");

    /// Whether fields can be written.
    pub fn is_writable(&self) -> bool {
        self.m.writable
    }

    /// The payload as a region (read-only unless opened with [`RawSegment::open`]).
    pub fn region(&self) -> Region<'_> {
        self.m.region()
    }

    /// The dynamic view of the value at a field path (`hits`, `net.rx`, `hist[3]`;
    /// see [`LayoutDescBuf::leaf`](crate::LayoutDescBuf::leaf) for the syntax). The
    /// descriptor is walked by name, so the cost grows with its nesting depth and field
    /// count, never with array lengths, and nothing is allocated per element.
    pub fn field(&self, path: &str) -> Result<DynAtomicView<'_>, Error> {
        self.leaf_view(&self.m.leaf(path)?)
    }

    /// The dynamic view of a [`Leaf`], e.g. one from walking
    /// [`info().descriptor.leaves()`](crate::LayoutDescBuf::leaves): no lookup by name,
    /// for tools that show many fields. A leaf of another descriptor that does not fit
    /// this payload is refused.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{RawSegment, Segment};
    ///
    /// #[atomic_layout]
    /// pub struct Hist { pub bins: [u32; 4] }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("hist");
    /// Segment::<Hist>::create(&path)?.bins()[2].store(7);
    ///
    /// let raw = RawSegment::open_readonly(&path)?;
    /// let mut total = 0;
    /// for leaf in raw.info().descriptor.leaves() {
    ///     total += raw.leaf_view(&leaf)?.load()?.as_u128();
    /// }
    /// assert_eq!(total, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leaf_view(&self, leaf: &Leaf) -> Result<DynAtomicView<'_>, Error> {
        let region = self.region().subregion(leaf.offset, leaf.width)?;
        DynAtomicView::with_kind(region, leaf.kind)
    }
}

impl core::fmt::Debug for RawSegment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawSegment")
            .field("path", &self.m.path)
            .field("layout", &self.m.info.descriptor.name)
            .field("writable", &self.m.writable)
            .finish()
    }
}
