//! The dynamic view: [`DynAtomicView`] and [`atomicview`], an atomic of a width and kind
//! chosen at run time over a [`Region`] someone else owns.

use core::fmt;

use crate::cell::atomic::CmpxchgResult;
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::MemoryOrder;
use crate::cell::value::Kind;
use crate::error::Error;
use crate::view::dynamic::dispatch::{Cell, Core};
use crate::view::dynamic::operand::Operand;
use crate::view::dynamic::values::{AType, DynValue};
use crate::view::region::Region;

/// A dynamic atomic over memory someone else owns: a [`Region`] whose length is the
/// width (as a Python view's width is its buffer's size). Made by [`atomicview`] (or
/// [`DynAtomicView::with_kind`]).
///
/// It offers the operations of [`DynAtomic`](crate::DynAtomic). On a read-only region (e.g.
/// [`Region::from_ref`]) only `load` and `bit_test` are offered; every write returns
/// [`UnsupportedOperation`](crate::UnsupportedOperation) with `readonly: true`. The view
/// borrows the region's memory for `'a`, so it cannot outlive it.
///
/// A view is `Copy`: held by value in a loop, its width is a loop invariant the compiler
/// switches on once, outside the loop, so `view.load()` in a loop costs what a typed load
/// does. [`as_atomic`](Self::as_atomic) hands out the typed cell itself.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, Region, atomicview};
///
/// #[repr(C, align(8))]
/// struct Buf([u8; 16]);
/// let mut buf = Buf([0; 16]);
/// let region = Region::new(&mut buf.0);
///
/// let counter = atomicview(region.subregion(8, 8)?, AType::Uint)?;
/// counter.add(41)?;
/// assert_eq!(counter.fetch_inc()?, 41);
/// assert_eq!(region.read_at::<u64>(8)?.load(), 42);
/// assert!(atomicview(region.subregion(4, 8)?, AType::Uint).is_err()); // misaligned
///
/// let ro = atomicview(region.subregion(8, 8)?.to_readonly(), AType::Uint)?;
/// assert_eq!(ro.load()?, 42u64);
/// assert!(matches!(ro.inc(), Err(Error::UnsupportedOperation(e)) if e.readonly));
/// assert_eq!(ro.to_string(), "AtomicUint(value=42, width=8, readonly=true, signed=false)");
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct DynAtomicView<'a> {
    pub(super) core: Core<'a>,
}

impl<'a> DynAtomicView<'a> {
    /// A view of `region` as `atype`; the same as [`atomicview`].
    pub fn new(region: Region<'a>, atype: AType) -> Result<DynAtomicView<'a>, Error> {
        Self::with_kind(region, atype.kind())
    }

    /// A view of `region` as any [`Kind`] (e.g. a field read from a segment descriptor).
    /// Errors: [`UnsupportedWidth`](crate::UnsupportedWidth) if the region's length is not
    /// a width of the kind (see [`DynAtomic::with_kind`](crate::DynAtomic::with_kind)) or,
    /// for 16 bytes, not lock-free (or, read-only, not loadable without writing); an
    /// [`AlignmentError`](crate::AlignmentError) if the region is not aligned to its width.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{DynAtomicView, Kind, Region};
    ///
    /// #[repr(align(4))]
    /// struct Buf([u8; 4]);
    /// let buf = Buf(2.5f32.to_ne_bytes());
    /// let v = DynAtomicView::with_kind(Region::from_ref(&buf.0), Kind::Float)?;
    /// assert_eq!(v.load()?, 2.5f32);
    /// assert_eq!(v.to_string(), "AtomicFloat(value=2.5, width=4, readonly=true)");
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn with_kind(region: Region<'a>, kind: Kind) -> Result<DynAtomicView<'a>, Error> {
        let cell = Cell::of_region(region, kind)?;
        Ok(DynAtomicView {
            core: Core { cell, kind },
        })
    }

    #[inline]
    fn core(&self) -> Core<'a> {
        self.core
    }

    dyn_methods!();
}

/// A view of `region` as an atomic of `atype` whose width is the region's length, as
/// Python's `atomics.atomicview(buffer=.., atype=..)`. See [`DynAtomicView`].
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Region, atomicview};
///
/// let mut byte = [0u8; 1];
/// let v = atomicview(Region::new(&mut byte), AType::Int)?;
/// v.sub(1)?;
/// assert_eq!(v.load()?, -1);
/// assert!(v.store(128).is_err()); // does not fit a 1-byte int
/// assert_eq!(byte, [0xff]);
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub fn atomicview(region: Region<'_>, atype: AType) -> Result<DynAtomicView<'_>, Error> {
    DynAtomicView::new(region, atype)
}

impl fmt::Display for DynAtomicView<'_> {
    /// Like Python's `repr`: `AtomicBytes(value=b'\x00\x00', width=2, readonly=true)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt(f)
    }
}

impl fmt::Debug for DynAtomicView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt(f)
    }
}
