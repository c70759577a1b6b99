//! The typed cell behind a dynamic atomic, handed out once: `as_atomic::<T>()` and
//! `as_readonly::<T>()` on [`DynAtomic`] and [`DynAtomicView`].
//!
//! Each dynamic operation chooses its width at run time: one predicted jump, cheap
//! against a read-modify-write but as much again as a one-cycle load, and a jump a loop
//! cannot unroll through. A hot loop over a field whose type it learnt at run time (a
//! descriptor, a command line) checks the type once here and then runs typed code:
//! patomic's "choose the operation once at construction", with the compiler choosing
//! the instruction.

use crate::cell::atomic::Atomic;
use crate::cell::value::Value;
use crate::error::{Error, TypeMismatch};
use crate::view::dynamic::dispatch::Core;
use crate::view::dynamic::owned::DynAtomic;
use crate::view::dynamic::view::DynAtomicView;
use crate::view::region::ReadOnly;

impl<'a> Core<'a> {
    /// `TypeMismatch` unless `T` is this atomic's kind and width (and, for a writable
    /// cell, the atomic is writable).
    fn check_type<T: Value>(self, writable: bool) -> Result<(), Error> {
        let width = self.width().bytes();
        let matches = T::KIND == self.kind && T::WIDTH == width;
        if matches && !(writable && self.readonly()) {
            return Ok(());
        }
        Err(TypeMismatch {
            kind: self.kind,
            width,
            requested: core::any::type_name::<T>(),
            requested_kind: T::KIND,
            requested_width: T::WIDTH,
            readonly: matches,
        }
        .into())
    }

    fn as_atomic<T: Value>(self) -> Result<&'a Atomic<T>, Error> {
        self.check_type::<T>(true)?;
        self.region().atomic_at::<T>(0)
    }

    fn as_readonly<T: Value>(self) -> Result<ReadOnly<'a, T>, Error> {
        self.check_type::<T>(false)?;
        self.region().to_readonly().read_at::<T>(0)
    }
}

impl<'a> DynAtomicView<'a> {
    /// The typed atomic behind this view, for code that runs many operations on it (a
    /// hot loop): checked once here, then every operation is the typed one, at the
    /// speed of `Atomic<T>`. `T` must be the view's kind and width: `i8`..`i128` for
    /// `int`, `u8`..`u128` for `uint`, `[u8; N]` for `bytes`, `bool`, `f32` or `f64`.
    ///
    /// Errors: [`TypeMismatch`] if `T` is another kind or width (the message names the
    /// type to ask for) or the view is read-only (use
    /// [`as_readonly`](Self::as_readonly)).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, Error, Region, atomicview};
    ///
    /// #[repr(align(8))]
    /// struct Buf([u8; 8]);
    /// let mut buf = Buf([0; 8]);
    /// let region = Region::new(&mut buf.0);
    /// let view = atomicview(region, AType::Int)?; // the type known at run time
    ///
    /// let hits = view.as_atomic::<i64>()?; // checked once
    /// for _ in 0..1000 {
    ///     hits.inc(); // typed from here on
    /// }
    /// assert_eq!(view.load()?, 1000);
    /// assert!(matches!(view.as_atomic::<u64>(), Err(Error::TypeMismatch(_)))); // int, not uint
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn as_atomic<T: Value>(&self) -> Result<&'a Atomic<T>, Error> {
        self.core.as_atomic()
    }

    /// The typed read-only view behind this view (writable or not), for loops that only
    /// load: checked once, then each load is the typed one. `T` is as for
    /// [`as_atomic`](Self::as_atomic). Errors: [`TypeMismatch`] if `T` is another kind
    /// or width; [`UnsupportedWidth`](crate::UnsupportedWidth) for 16 bytes where a
    /// 16-byte load would write (as [`Region::read_at`](crate::Region::read_at); a
    /// writable view's [`as_atomic`](Self::as_atomic) loads there).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Kind, DynAtomicView, Region};
    ///
    /// #[repr(align(8))]
    /// struct Buf([u8; 8]);
    /// let buf = Buf(2.5f64.to_ne_bytes());
    /// let view = DynAtomicView::with_kind(Region::from_ref(&buf.0), Kind::Float)?;
    ///
    /// let x = view.as_readonly::<f64>()?;
    /// let sum: f64 = (0..4).map(|_| x.load()).sum();
    /// assert_eq!(sum, 10.0);
    /// assert!(view.as_atomic::<f64>().is_err()); // read-only: no writable cell
    /// assert!(view.as_readonly::<f32>().is_err()); // 8 bytes, not 4
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn as_readonly<T: Value>(&self) -> Result<ReadOnly<'a, T>, Error> {
        self.core.as_readonly()
    }
}

impl DynAtomic {
    /// The typed atomic behind this one, for code that runs many operations on it:
    /// checked once, then every operation is the typed one. `T` must be the kind and
    /// width (see [`DynAtomicView::as_atomic`]); otherwise [`TypeMismatch`], whose
    /// message names the type to ask for.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, atomic};
    ///
    /// let a = atomic(4, AType::Uint)?;
    /// let typed = a.as_atomic::<u32>()?;
    /// assert_eq!(typed.fetch_add(7), 0);
    /// assert_eq!(a.load()?, 7u32);
    /// assert_eq!(
    ///     a.as_atomic::<u64>().unwrap_err().to_string(),
    ///     "this atomic holds 4-byte uint values, not u64 (8-byte uint): ask for u32"
    /// );
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn as_atomic<T: Value>(&self) -> Result<&Atomic<T>, Error> {
        self.view().as_atomic()
    }
}
