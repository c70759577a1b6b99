//! Blocking waits on the dynamic API's 4-byte atomics: `wait`, `wait_timeout`,
//! `notify_one` and `notify_all` on [`DynAtomicView`] and [`DynAtomic`], through the
//! typed cells' implementation (`cell/wait/`). Any kind stored in 32 bits (an int, uint,
//! float or bytes of width 4) can be waited on; other widths are refused with
//! [`UnsupportedWidth`] ([`WidthReason::NotWaitable`]), since the futex and its peers
//! wait on a 32-bit word.

use core::sync::atomic::AtomicU32;
use std::time::Duration;

use crate::cell::wait::{WaitOutcome, wait_word, wake_all, wake_one};
use crate::error::{Error, UnsupportedWidth, WidthReason};
use crate::view::dynamic::dispatch::{Cell, Core};
use crate::view::dynamic::operand::Operand;
use crate::view::dynamic::owned::DynAtomic;
use crate::view::dynamic::view::DynAtomicView;

impl<'a> Core<'a> {
    /// The 32-bit word to wait on, or `UnsupportedWidth` (`NotWaitable`) for another width.
    fn word(self) -> Result<&'a AtomicU32, Error> {
        match self.cell {
            Cell::U32(a) => Ok(a.word()),
            Cell::F32(a) => Ok(a.word()),
            Cell::R32(r) => Ok(readonly_word(r.as_ptr())),
            Cell::RF32(r) => Ok(readonly_word(r.as_ptr())),
            _ => Err(UnsupportedWidth {
                width: self.width().bytes(),
                reason: WidthReason::NotWaitable,
            }
            .into()),
        }
    }

    /// The word and the bits of `expected`, which must fit the width and kind.
    fn wait_args(self, expected: Operand) -> Result<(&'a AtomicU32, u32), Error> {
        let word = self.word()?;
        let bits = expected.encode(self.width(), self.kind)?;
        // A 4-byte cell's operand encodes into its low 32 bits.
        Ok((word, bits as u32))
    }
}

/// A read-only view's 32-bit value as a core atomic. Waiting only loads, and the futex
/// and its peers only read the word, so read-only memory can be waited on.
fn readonly_word<'a>(ptr: *const u8) -> &'a AtomicU32 {
    // SAFETY: `ptr` comes from a `ReadOnly<'a, u32 | f32>`, which `Region::read_at` made
    // only over 4 bytes at a 4-aligned address, valid for reads for 'a and accessed only
    // atomically (the region's contract). An `AtomicU32` is 4 bytes with alignment 4, and
    // through this shared reference it is only loaded (its `UnsafeCell` lets the memory
    // be read-only), never stored.
    unsafe { &*ptr.cast::<AtomicU32>() }
}

impl DynAtomicView<'_> {
    /// Blocks while the value equals `expected` (compared by bits, as
    /// [`Atomic::wait`](crate::Atomic::wait) does): [`WaitOutcome::Changed`] at once if
    /// it does not, else [`WaitOutcome::Notified`] once a change has been seen after a
    /// wake-up by [`notify_one`](Self::notify_one) / [`notify_all`](Self::notify_all)
    /// (from any thread or process sharing the memory). Only 4-byte values (an int,
    /// uint, float or bytes of width 4) can be waited on: another width is
    /// [`UnsupportedWidth`] with [`WidthReason::NotWaitable`]; an `expected` that does
    /// not fit is an [`OperandError`](crate::OperandError). A read-only view can wait
    /// (waiting only reads).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, Region, WaitOutcome, atomicview};
    ///
    /// #[repr(align(4))]
    /// struct Buf([u8; 4]);
    /// let mut buf = Buf([0; 4]);
    /// let flag = atomicview(Region::new(&mut buf.0), AType::Uint)?;
    /// std::thread::scope(|s| {
    ///     s.spawn(|| {
    ///         flag.store(1).unwrap();
    ///         flag.notify_all().unwrap();
    ///     });
    ///     assert!(flag.wait(0).unwrap().changed()); // returns once the value is not 0
    /// });
    /// assert_eq!(flag.load()?, 1u32);
    /// assert_eq!(flag.wait(0)?, WaitOutcome::Changed); // differs already: no blocking
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn wait(&self, expected: impl Into<Operand>) -> Result<WaitOutcome, Error> {
        let (word, bits) = self.core.wait_args(expected.into())?;
        Ok(wait_word(word, bits, None))
    }

    /// [`wait`](Self::wait) for at most `timeout`: [`WaitOutcome::TimedOut`] if the
    /// value still equals `expected` when it has passed.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{DynAtomicView, Error, Kind, Region, WaitOutcome, WidthReason};
    /// use std::time::Duration;
    ///
    /// #[repr(align(8))]
    /// struct Buf([u8; 12]);
    /// let mut buf = Buf([0; 12]);
    /// let region = Region::new(&mut buf.0);
    /// let level = DynAtomicView::with_kind(region.subregion(8, 4)?, Kind::Float)?;
    /// let r = level.wait_timeout(0.0f32, Duration::from_millis(5))?;
    /// assert_eq!(r, WaitOutcome::TimedOut);
    ///
    /// // Only 4-byte values can be waited on.
    /// let wide = DynAtomicView::with_kind(region.subregion(0, 8)?, Kind::Uint)?;
    /// assert!(matches!(wide.wait_timeout(0, Duration::ZERO),
    ///     Err(Error::UnsupportedWidth(e)) if e.reason == WidthReason::NotWaitable));
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn wait_timeout(
        &self,
        expected: impl Into<Operand>,
        timeout: Duration,
    ) -> Result<WaitOutcome, Error> {
        let (word, bits) = self.core.wait_args(expected.into())?;
        Ok(wait_word(word, bits, Some(timeout)))
    }

    /// Wakes one thread or process blocked in [`wait`](Self::wait) on this value (or in
    /// [`Atomic::wait`](crate::Atomic::wait) on the same memory). Returns how many were
    /// woken where the OS says (Linux: `Some(0)` or `Some(1)`), else `None`. Change the
    /// value first: a waiter only returns on a changed value. Refused as `wait` is for
    /// widths other than 4.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, Region, atomicview};
    ///
    /// #[repr(align(4))]
    /// struct Buf([u8; 4]);
    /// let mut buf = Buf([0; 4]);
    /// let turn = atomicview(Region::new(&mut buf.0), AType::Int)?;
    /// turn.store(1)?;
    /// assert!(turn.notify_one()?.unwrap_or(0) <= 1); // nobody waits: Some(0) on Linux
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn notify_one(&self) -> Result<Option<usize>, Error> {
        Ok(wake_one(self.core.word()?))
    }

    /// Wakes every thread or process blocked in [`wait`](Self::wait) on this value;
    /// returns how many where the OS says (Linux), else `None`. Refused as `wait` is for
    /// widths other than 4.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, Region, atomicview};
    ///
    /// #[repr(align(4))]
    /// struct Buf([u8; 4]);
    /// let mut buf = Buf([0; 4]);
    /// let phase = atomicview(Region::new(&mut buf.0), AType::Bytes)?;
    /// phase.store(b"done")?;
    /// assert_eq!(phase.notify_all()?.unwrap_or(0), 0); // nobody was waiting
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn notify_all(&self) -> Result<Option<usize>, Error> {
        Ok(wake_all(self.core.word()?))
    }
}

impl DynAtomic {
    /// [`DynAtomicView::wait`] on this atomic: blocks while the value equals `expected`;
    /// only a width of 4 can be waited on.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, atomic};
    ///
    /// let ready = atomic(4, AType::Uint)?;
    /// std::thread::scope(|s| {
    ///     s.spawn(|| {
    ///         ready.store(1).unwrap();
    ///         ready.notify_all().unwrap();
    ///     });
    ///     ready.wait(0).unwrap(); // returns once the value is no longer 0
    /// });
    /// assert!(atomic(8, AType::Uint)?.wait(1).is_err()); // 8 bytes: refused
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn wait(&self, expected: impl Into<Operand>) -> Result<WaitOutcome, Error> {
        self.view().wait(expected)
    }

    /// [`DynAtomicView::wait_timeout`] on this atomic.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, WaitOutcome, atomic};
    /// use std::time::Duration;
    ///
    /// let word = atomic(4, AType::Int)?;
    /// assert_eq!(word.wait_timeout(0, Duration::from_millis(1))?, WaitOutcome::TimedOut);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn wait_timeout(
        &self,
        expected: impl Into<Operand>,
        timeout: Duration,
    ) -> Result<WaitOutcome, Error> {
        self.view().wait_timeout(expected, timeout)
    }

    /// [`DynAtomicView::notify_one`] on this atomic.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, atomic};
    ///
    /// let a = atomic(4, AType::Uint)?;
    /// assert!(a.notify_one()?.unwrap_or(0) <= 1);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn notify_one(&self) -> Result<Option<usize>, Error> {
        self.view().notify_one()
    }

    /// [`DynAtomicView::notify_all`] on this atomic.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{AType, atomic};
    ///
    /// let a = atomic(4, AType::Uint)?;
    /// assert_eq!(a.notify_all()?.unwrap_or(0), 0);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn notify_all(&self) -> Result<Option<usize>, Error> {
        self.view().notify_all()
    }
}
