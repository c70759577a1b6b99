//! [`RawSegment`]: any segment opened without its layout type, for tools: the header,
//! the descriptor, and every field through the dynamic API.

use std::path::Path;

use super::error::{SegmentError, SegmentErrorKind};
use super::handle::mapped_handle_methods;
use super::mapping::{Access, Mapping};
use super::owner::Trust;
use crate::error::Error;
use crate::error::path::{PathError, PathErrorKind};
use crate::fields::{
    LayoutCopy, RecordCopy, RecordError, read_record, snapshot_layout, update_record, write_record,
};
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};
use crate::layout::path::Target;
use crate::layout::walk::Leaf;
use crate::view::dynamic::{DynAtomicView, DynValue};
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

    /// The dynamic view of the value at a field path (`hits`, `net.rx`, `hist[3]`, a
    /// striped cell `hits[1]`, an Event `ready`; the grammar of
    /// [`LayoutDescBuf::locate`](crate::LayoutDescBuf::locate)). The descriptor is walked
    /// by name, so the cost grows with its nesting depth and field count, never with
    /// array lengths, and nothing is allocated per element.
    ///
    /// A value inside a `Seq` record is never handed out writable: on a writable handle
    /// it is refused with [`SegmentErrorKind::InsideRecord`](crate::SegmentErrorKind),
    /// which names the record (read it with [`load`](Self::load) or
    /// [`read_record`](Self::read_record), write it with
    /// [`update_record`](Self::update_record) or [`write_record`](Self::write_record));
    /// on a read-only handle its view is read-only like every other.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Error, RawSegment, Segment, SegmentErrorKind, Seq};
    ///
    /// #[atomic_layout]
    /// pub struct Pose { pub x: u64, pub y: u64 }
    /// #[atomic_layout]
    /// pub struct Robot { pub ticks: u64, pub pose: Seq<Pose> }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("robot");
    /// Segment::<Robot>::create(&path)?;
    /// let raw = RawSegment::open(&path)?;
    /// raw.field("ticks")?.add(1)?;
    /// match raw.field("pose.x") {
    ///     Err(Error::Segment(e)) => {
    ///         assert!(matches!(e.kind, SegmentErrorKind::InsideRecord { .. }));
    ///         assert!(e.to_string().contains("update_record(\"pose\""));
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// assert_eq!(RawSegment::open_readonly(&path)?.field("pose.x")?.load()?.as_u128(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn field(&self, path: &str) -> Result<DynAtomicView<'_>, Error> {
        let at = self.m.info.descriptor.locate(path)?;
        let record = at.record.clone();
        let (offset, kind, width) = at.into_value(path)?;
        if let Some(record) = record.filter(|_| self.m.writable) {
            return Err(SegmentError::make(
                &self.m.path,
                SegmentErrorKind::InsideRecord {
                    field: path.into(),
                    record: record.path,
                },
            ));
        }
        let region = self.region().subregion(offset, width)?;
        DynAtomicView::with_kind(region, kind)
    }

    /// Loads the value at a field path with one atomic load, inside a `Seq` record too
    /// (one value alone: two such loads are not one consistent read of the record; use
    /// [`read_record`](Self::read_record) for that).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{RawSegment, Segment, Seq};
    ///
    /// #[atomic_layout]
    /// pub struct Pose { pub x: u64, pub y: u64 }
    /// #[atomic_layout]
    /// pub struct Robot { pub pose: Seq<Pose> }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("robot");
    /// Segment::<Robot>::create(&path)?.pose().write(&PoseSnapshot { x: 1, y: 2 });
    /// assert_eq!(RawSegment::open(&path)?.load("pose.y")?.as_u128(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(&self, path: &str) -> Result<DynValue, Error> {
        let (offset, kind, width) = self.m.info.descriptor.locate(path)?.into_value(path)?;
        let region = self.region().subregion(offset, width)?.to_readonly();
        DynAtomicView::with_kind(region, kind)?.load()
    }

    /// The dynamic view of a [`Leaf`], e.g. one from walking
    /// [`info().descriptor.leaves()`](crate::LayoutDescBuf::leaves): no lookup by name,
    /// for tools that show many fields. A leaf of another descriptor that does not fit
    /// this payload is refused. A leaf inside a `Seq` record is viewed read-only (a
    /// store of it alone would tear the record; see [`field`](Self::field)).
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
        let mut region = self.region().subregion(leaf.offset, leaf.width)?;
        let in_record = self
            .m
            .info
            .descriptor
            .enclosing_field(leaf.offset)
            .is_some_and(|e| matches!(e.ty, FieldTypeBuf::Seq(_)));
        if in_record {
            region = region.to_readonly();
        }
        DynAtomicView::with_kind(region, leaf.kind)
    }

    /// The `Seq` record at `path` (`pose`, `bots[1].pose`), copied through the protocol:
    /// every value from one write. A write in progress is waited for while its writer
    /// lives; a writer that died mid-write gives
    /// [`SeqError::DeadWriter`](crate::SeqError::DeadWriter); a dead writer's leftovers
    /// are copied, and [`RecordCopy::torn_by`] names it. Never writes (works read-only).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{RawSegment, Segment, Seq};
    ///
    /// #[atomic_layout]
    /// pub struct Pose { pub x: f64, pub y: f64 }
    /// #[atomic_layout]
    /// pub struct Robot { pub pose: Seq<Pose> }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("robot");
    /// Segment::<Robot>::create(&path)?.pose().write(&PoseSnapshot { x: 1.5, y: 2.5 });
    /// let raw = RawSegment::open_readonly(&path)?;
    /// let pose = raw.read_record("pose")?;
    /// assert_eq!(pose.get("x")?.as_f64(), Some(1.5));
    /// assert_eq!(pose.get("y")?.as_f64(), Some(2.5));
    /// assert_eq!(pose.torn_by(), None);
    /// assert!(raw.read_record("pose.x").is_err()); // a value, not a record
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_record(&self, path: &str) -> Result<RecordCopy<'_>, RecordError> {
        let (offset, desc) = self.record_at(path)?;
        read_record(&self.region(), offset, desc, None)
    }

    /// Reads the `Seq` record at `path`, lets `f` change the copy
    /// ([`RecordCopy::set`], paths inside the record), and publishes it whole, holding
    /// the record throughout, as [`Seq::update`](crate::Seq::update) does: no other
    /// writer runs in between, and readers see the old record or the new one. A torn
    /// record gives [`SeqError::Torn`](crate::SeqError::Torn) (repair it with
    /// [`write_record`](Self::write_record)); an error from `f` publishes nothing.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{RawSegment, Segment, Seq};
    ///
    /// #[atomic_layout]
    /// pub struct Stats { pub n: u64, pub sum: u64 }
    /// #[atomic_layout]
    /// pub struct Board { pub stats: Seq<Stats> }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("board");
    /// let typed = Segment::<Board>::create(&path)?;
    /// let raw = RawSegment::open(&path)?;
    /// raw.update_record("stats", |r| {
    ///     let n = r.get("n")?.as_u128() as u64;
    ///     r.set("n", n + 1)?;
    ///     r.set("sum", 40u64)
    /// })?;
    /// let s = typed.stats().read()?;
    /// assert_eq!((s.n, s.sum), (1, 40));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update_record<'s>(
        &'s self,
        path: &str,
        f: impl FnOnce(&mut RecordCopy<'s>) -> Result<(), Error>,
    ) -> Result<(), RecordError> {
        let (offset, desc) = self.record_at(path)?;
        update_record(&self.region(), offset, desc, None, f).map(|_| ())
    }

    /// Publishes `copy` as the whole `Seq` record at `path`, as
    /// [`Seq::write`](crate::Seq::write): every value is written, so a torn record is
    /// repaired. Start from [`RecordCopy::zeroed`] of [`record_layout`](Self::record_layout)
    /// or from a [`read_record`](Self::read_record) copy.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{RawSegment, RecordCopy, Segment, Seq};
    ///
    /// #[atomic_layout]
    /// pub struct Pose { pub x: f64, pub y: f64 }
    /// #[atomic_layout]
    /// pub struct Robot { pub pose: Seq<Pose> }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("robot");
    /// let typed = Segment::<Robot>::create(&path)?;
    /// let raw = RawSegment::open(&path)?;
    /// let mut pose = RecordCopy::zeroed(raw.record_layout("pose")?);
    /// pose.set("x", 3.0)?;
    /// pose.set("y", 4.0)?;
    /// raw.write_record("pose", &pose)?;
    /// assert_eq!(typed.pose().read()?.y, 4.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_record(&self, path: &str, copy: &RecordCopy<'_>) -> Result<(), RecordError> {
        let (offset, desc) = self.record_at(path)?;
        write_record(&self.region(), offset, desc, copy, None).map(|_| ())
    }

    /// The layout of the `Seq` record at `path`, e.g. for [`RecordCopy::zeroed`].
    ///
    /// See [`write_record`](Self::write_record) for an example.
    pub fn record_layout(&self, path: &str) -> Result<&LayoutDescBuf, Error> {
        self.record_at(path).map(|(_, d)| d).map_err(|e| match e {
            RecordError::Region(e) => e,
            RecordError::Seq(_) => unreachable!("record_at only resolves the path"),
        })
    }

    /// A copy of every value of the segment, each `Seq` record read through the protocol
    /// ([`snapshot_layout`]): [`LayoutCopy::is_whole`] tells, for each record, whether it
    /// is one whole record (a record whose writer died mid-write is copied value by value
    /// and is not whole).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{RawSegment, Segment, Seq};
    ///
    /// #[atomic_layout]
    /// pub struct Pose { pub x: u64, pub y: u64 }
    /// #[atomic_layout]
    /// pub struct Robot { pub ticks: u32, pub pose: Seq<Pose> }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("robot");
    /// let typed = Segment::<Robot>::create(&path)?;
    /// typed.ticks().store(3);
    /// typed.pose().write(&PoseSnapshot { x: 1, y: 2 });
    /// let raw = RawSegment::open_readonly(&path)?;
    /// let snap = raw.snapshot()?;
    /// assert_eq!(snap.get("ticks")?.as_u128(), 3);
    /// assert_eq!(snap.get("pose.y")?.as_u128(), 2);
    /// assert!(snap.is_whole("pose")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn snapshot(&self) -> Result<LayoutCopy<'_>, Error> {
        snapshot_layout(&self.region(), &self.m.info.descriptor)
    }

    /// The offset and layout of the `Seq` record at `path`.
    fn record_at(&self, path: &str) -> Result<(usize, &LayoutDescBuf), RecordError> {
        let at = self
            .m
            .info
            .descriptor
            .locate(path)
            .map_err(|e| RecordError::Region(e.into()))?;
        match at.target {
            Target::Seq(d) => Ok((at.offset, d)),
            other => Err(RecordError::Region(
                PathError {
                    path: path.into(),
                    at: path.len(),
                    kind: PathErrorKind::NotARecord {
                        what: other.describe(),
                    },
                }
                .into(),
            )),
        }
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
