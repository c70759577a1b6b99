//! The owned dynamic atomic: [`DynAtomic`] and [`atomic`], zero-initialised storage of a
//! width and kind chosen at run time.

use core::fmt;

use crate::cell::atomic::CmpxchgResult;
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::MemoryOrder;
use crate::cell::value::Kind;
use crate::error::Error;
use crate::view::dynamic::dispatch::{Core, Owned};
use crate::view::dynamic::operand::Operand;
use crate::view::dynamic::values::{AType, DynValue};
use crate::view::dynamic::view::DynAtomicView;

/// An owned atomic whose width and kind are chosen at run time: correctly aligned,
/// zero-initialised storage of 1, 2, 4, 8 or 16 bytes. Made by [`atomic`] (or
/// [`DynAtomic::with_kind`] for `bool` and floats).
///
/// It offers every operation of [`Atomic<T>`](crate::Atomic) under the same names, with
/// [`Operand`]s in and [`DynValue`]s out; what its kind lacks returns
/// [`UnsupportedOperation`](crate::UnsupportedOperation) (see
/// [`ops_supported`](Self::ops_supported)), and an operand that does not fit returns
/// [`OperandError`](crate::OperandError). A 16-byte `DynAtomic` works whether or not
/// 16-byte atomics are lock-free here, like an owned `Atomic<u128>`: it is not shared
/// memory. `Display` reads like Python's `repr`.
///
/// Each operation dispatches on the width, which an owned atomic keeps in its own memory:
/// in a loop of loads alone that is 2-4x a typed load (about 0.5-1 ns). A hot loop takes
/// [`view`](Self::view) (a `Copy` value the compiler keeps in registers and switches on
/// once, outside the loop) or [`as_atomic`](Self::as_atomic) once before the loop, and
/// runs at the typed speed.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, OpType, atomic};
///
/// let a = atomic(4, AType::Int)?;
/// assert_eq!(a.to_string(), "AtomicInt(value=0, width=4, readonly=false, signed=true)");
/// a.store(i32::MAX)?;
/// assert_eq!(a.fetch_inc()?, i32::MAX);
/// assert_eq!(a.load()?, i32::MIN); // wraps
/// assert!(a.cmpxchg_strong(i32::MIN, -1)?.success);
/// // update by a function in a compare-exchange loop: new, previous, or both values
/// assert_eq!(a.update_fetch(|v| v.as_i128() * 2)?, -2);
/// assert_eq!(a.fetch_update(|v| v.as_i128() + 1)?, -2);
/// let (old, new) = a.update_vals(|v| v.as_i128() - 1)?;
/// assert!(old == -1 && new == -2);
/// assert!(matches!(a.store(1i64 << 31), Err(Error::Operand(_)))); // never truncated
///
/// let b = atomic(2, AType::Bytes)?;
/// b.store(b"ok")?;
/// assert_eq!(b.to_string(), "AtomicBytes(value=b'ok', width=2, readonly=false)");
/// assert!(matches!(b.add(1), Err(Error::UnsupportedOperation(e)) if e.op == OpType::Add));
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub struct DynAtomic {
    cell: Owned,
    kind: Kind,
}

impl DynAtomic {
    /// A zero-initialised atomic of `width` bytes and `atype`;
    /// [`UnsupportedWidth`](crate::UnsupportedWidth) unless the width is 1, 2, 4, 8 or
    /// 16. The same as [`atomic`].
    pub fn new(width: usize, atype: AType) -> Result<DynAtomic, Error> {
        Self::with_kind(width, atype.kind())
    }

    /// A zero-initialised atomic of `width` bytes and any [`Kind`]: `bool` has width 1,
    /// floats 4 or 8, the others 1, 2, 4, 8 or 16 (the kind's [`widths`](Kind::widths));
    /// any other width is [`UnsupportedWidth`](crate::UnsupportedWidth).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{DynAtomic, Kind};
    ///
    /// let x = DynAtomic::with_kind(8, Kind::Float)?;
    /// x.add(1.5)?;
    /// assert_eq!(x.fetch_sub(2)?, 1.5);
    /// assert_eq!(x.load()?.as_f64(), Some(-0.5));
    /// assert!(x.bin_or(1.0).is_err()); // no bit operations on floats
    ///
    /// let up = DynAtomic::with_kind(1, Kind::Bool)?;
    /// assert_eq!(up.bin_fetch_or(true)?, false);
    /// assert_eq!(up.to_string(), "AtomicBool(value=true, width=1, readonly=false)");
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn with_kind(width: usize, kind: Kind) -> Result<DynAtomic, Error> {
        Ok(DynAtomic {
            cell: Owned::new(kind, width)?,
            kind,
        })
    }

    /// A view of this atomic (what a [`DynAtomicView`] offers, borrowed).
    pub fn view(&self) -> DynAtomicView<'_> {
        DynAtomicView { core: self.core() }
    }

    #[inline]
    fn core(&self) -> Core<'_> {
        Core {
            cell: self.cell.cell(),
            kind: self.kind,
        }
    }

    dyn_methods!();
}

/// A zero-initialised owned atomic of `width` bytes (1, 2, 4, 8 or 16) and `atype`, as
/// Python's `atomics.atomic(width=.., atype=..)`. See [`DynAtomic`].
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, WidthReason, atomic};
///
/// let a = atomic(8, AType::Uint)?;
/// a.store(u64::MAX)?;
/// assert_eq!(a.fetch_add(1)?, u64::MAX);
/// assert_eq!(a.load()?, 0);
/// assert!(matches!(atomic(3, AType::Uint),
///     Err(Error::UnsupportedWidth(e)) if e.reason == WidthReason::NotAWidth));
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub fn atomic(width: usize, atype: AType) -> Result<DynAtomic, Error> {
    DynAtomic::new(width, atype)
}

impl fmt::Display for DynAtomic {
    /// Like Python's `repr`: `AtomicInt(value=0, width=4, readonly=false, signed=true)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core().fmt(f)
    }
}

impl fmt::Debug for DynAtomic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core().fmt(f)
    }
}
