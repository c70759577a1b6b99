//! [`LayoutCopy`]: plain bytes laid out as a layout (or a record) of a descriptor, with
//! values read and set by path. The copy that [`snapshot_layout`](crate::snapshot_layout)
//! fills and that a [`RecordCopy`](crate::RecordCopy) holds.

use core::fmt;
use std::vec;
use std::vec::Vec;

use crate::cell::value::Kind;
use crate::error::Error;
use crate::error::path::{PathError, PathErrorKind};
use crate::fields::protocol::{self, TORN};
use crate::layout::descriptor::LayoutDescBuf;
use crate::layout::path::Target;
use crate::view::dynamic::{DynAtomicView, DynValue, Operand};
use crate::view::region::Region;

/// Plain bytes laid out as a layout (or a record) of a descriptor, with its values read
/// and set by path ([`LayoutDescBuf::locate`]'s grammar). Made by [`snapshot_layout`](crate::snapshot_layout)
/// (a whole layout) and inside a [`RecordCopy`](crate::RecordCopy) (one record).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, LayoutCopy, LayoutDescBuf};
///
/// #[atomic_layout]
/// struct Net { rx: u64, tx: u64 }
/// let d = LayoutDescBuf::from_desc(&Net::DESC);
/// let mut copy = LayoutCopy::zeroed(&d);
/// copy.set("tx", 9u64)?;
/// assert_eq!(copy.get("tx")?.as_u128(), 9);
/// assert_eq!(&copy.bytes()[8..], &9u64.to_ne_bytes());
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone)]
pub struct LayoutCopy<'d> {
    desc: &'d LayoutDescBuf,
    /// `desc.size` bytes (rounded up to whole words), 16-aligned like any value.
    words: Vec<u128>,
}

impl<'d> LayoutCopy<'d> {
    /// All bytes zero.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn zeroed(desc: &'d LayoutDescBuf) -> Self {
        LayoutCopy {
            desc,
            words: vec![0u128; desc.size.div_ceil(16).max(1)],
        }
    }

    /// The layout the bytes follow.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn layout(&self) -> &'d LayoutDescBuf {
        self.desc
    }

    /// The bytes (`layout().size` of them).
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `words` holds at least `desc.size` initialised bytes.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr() as *const u8, self.desc.size) }
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.desc.size;
        // SAFETY: `words` holds at least `len` initialised bytes, borrowed mutably.
        unsafe { core::slice::from_raw_parts_mut(self.words.as_mut_ptr() as *mut u8, len) }
    }

    /// The value of `kind` and `width` at `offset` (offsets as in the descriptor).
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn load(&self, offset: usize, kind: Kind, width: usize) -> Result<DynValue, Error> {
        let region = Region::from_ref(self.bytes()).subregion(offset, width)?;
        DynAtomicView::with_kind(region, kind)?.load()
    }

    /// The value at `path`.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn get(&self, path: &str) -> Result<DynValue, Error> {
        let (offset, kind, width) = self.desc.locate(path)?.into_value(path)?;
        self.load(offset, kind, width)
    }

    /// Sets the value at `path` in this copy; the operand must fit the value's kind and
    /// width, as for a dynamic store.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn set(&mut self, path: &str, value: impl Into<Operand>) -> Result<(), Error> {
        self.view(path)?.store(value)
    }

    /// A dynamic view of the value at `path` in this copy, for any operation
    /// (`fetch_add`, `bit_set`, ...) on the copy's bytes.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, LayoutCopy, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Stats { n: u32 }
    /// let d = LayoutDescBuf::from_desc(&Stats::DESC);
    /// let mut copy = LayoutCopy::zeroed(&d);
    /// assert_eq!(copy.view("n")?.fetch_add(5)?.as_u128(), 0);
    /// assert_eq!(copy.get("n")?.as_u128(), 5);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn view(&mut self, path: &str) -> Result<DynAtomicView<'_>, Error> {
        let (offset, kind, width) = self.desc.locate(path)?.into_value(path)?;
        let region = Region::new(self.bytes_mut()).subregion(offset, width)?;
        DynAtomicView::with_kind(region, kind)
    }

    /// The sequence word copied for the `Seq` record at `path` (`pose`, `bots[1].pose`),
    /// as [`snapshot_layout`](crate::snapshot_layout) read it: even and without the TORN bit when the record was
    /// copied whole ([`is_whole`](Self::is_whole)).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, LayoutDescBuf, Region, Seq, snapshot_layout};
    ///
    /// #[atomic_layout]
    /// struct Pose { x: u64 }
    /// #[atomic_layout]
    /// struct Robot { pose: Seq<Pose> }
    ///
    /// let robot = Robot::new();
    /// robot.pose().write(&PoseSnapshot { x: 3 });
    /// let d = LayoutDescBuf::from_desc(&Robot::DESC);
    /// // SAFETY: the region covers `robot`, which lives and is only accessed atomically.
    /// let bytes = unsafe {
    ///     core::slice::from_raw_parts(&robot as *const Robot as *const u8, Robot::SIZE)
    /// };
    /// let snap = snapshot_layout(&Region::from_ref(bytes), &d)?;
    /// assert_eq!(snap.sequence("pose")? & 0x7fff_ffff, 2);
    /// assert!(snap.is_whole("pose")?);
    /// assert_eq!(snap.get("pose.x")?.as_u128(), 3);
    /// assert!(snap.is_whole("pose.x").is_err()); // a value, not a record
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn sequence(&self, path: &str) -> Result<u64, Error> {
        let at = self.desc.locate(path)?;
        if !matches!(at.target, Target::Seq(_)) {
            return Err(PathError {
                path: path.into(),
                at: path.len(),
                kind: PathErrorKind::NotARecord {
                    what: at.target.describe(),
                },
            }
            .into());
        }
        Ok(self.load(at.offset, Kind::Uint, 8)?.as_u128() as u64)
    }

    /// Whether the `Seq` record at `path` was copied whole: the writer was not dead in the
    /// middle of a write, and no dead writer's leftovers were copied. A record that is
    /// not whole holds its values read one by one.
    ///
    /// See [`sequence`](Self::sequence) for an example.
    pub fn is_whole(&self, path: &str) -> Result<bool, Error> {
        let w = self.sequence(path)?;
        Ok(!protocol::is_odd(w) && w & TORN == 0)
    }
}

impl fmt::Debug for LayoutCopy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayoutCopy")
            .field("layout", &self.desc.name)
            .field("size", &self.desc.size)
            .finish()
    }
}
