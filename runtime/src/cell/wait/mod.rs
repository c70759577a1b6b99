//! Blocking waits on 32-bit cells across processes: [`Atomic::wait`],
//! [`Atomic::wait_timeout`], [`Atomic::notify_one`], [`Atomic::notify_all`], for every
//! `T` stored in 32 bits (`u32`, `i32`, `f32`, `[u8; 4]`).
//!
//! One file per platform; what each does:
//!
//! | platform | mechanism | native? |
//! |---|---|---|
//! | Linux, Android | `futex(FUTEX_WAIT / FUTEX_WAKE)` without `FUTEX_PRIVATE_FLAG` (`linux.rs`) | yes: blocks in the kernel, across processes |
//! | FreeBSD | `_umtx_op(UMTX_OP_WAIT_UINT / UMTX_OP_WAKE)`, the shared forms (`freebsd.rs`) | yes |
//! | macOS 14.4+ | `os_sync_wait_on_address` with `OS_SYNC_WAIT_ON_ADDRESS_SHARED`, found with `dlsym` (`macos.rs`) | yes; older macOS polls |
//! | Windows and the rest | spin, then sleeps doubling from 50 µs to 1 ms (`poll.rs`) | no: `WaitOnAddress` is process-private, so polling |
//!
//! Polling is correct (the value is re-read after every sleep) but sees a change up to
//! 1 ms late and costs an idle waiter up to 1000 wake-ups a second.

use core::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::cell::atomic::Atomic;
use crate::cell::value::Value;

#[cfg(target_os = "freebsd")]
mod freebsd;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg_attr(
    any(target_os = "linux", target_os = "android", target_os = "freebsd"),
    allow(dead_code)
)]
mod poll;

#[cfg(target_os = "freebsd")]
use freebsd as sys;
#[cfg(any(target_os = "linux", target_os = "android"))]
use linux as sys;
#[cfg(target_os = "macos")]
use macos as sys;
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "macos"
)))]
use poll as sys;

/// How a wait ended.
///
/// Spurious wake-ups (a signal, a stray wake, a notification while the value is still the
/// expected one) are absorbed: a wait only returns once the value differs from the
/// expected one or the time is up.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, WaitOutcome};
/// use std::time::Duration;
///
/// let flag = Atomic::new(1u32);
/// assert_eq!(flag.wait(0), WaitOutcome::Changed);
/// assert_eq!(flag.wait_timeout(1, Duration::from_millis(1)), WaitOutcome::TimedOut);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitOutcome {
    /// The value already differed from the expected one: the call did not block.
    Changed,
    /// The call blocked, was woken, and found the value changed.
    Notified,
    /// The time-out passed while the value still equalled the expected one.
    TimedOut,
}

impl WaitOutcome {
    /// Whether the value changed (`Changed` or `Notified`), that is, not timed out.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::WaitOutcome;
    /// assert!(WaitOutcome::Notified.changed());
    /// assert!(!WaitOutcome::TimedOut.changed());
    /// ```
    pub fn changed(self) -> bool {
        self != WaitOutcome::TimedOut
    }
}

/// Blocks while `word` holds `expected`, for at most `timeout`. The loads are `Acquire`,
/// so whatever the changer wrote before its (`Release` or stronger) store is visible
/// after a `Changed`/`Notified` return.
pub(crate) fn wait_word(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> WaitOutcome {
    if word.load(Ordering::Acquire) != expected {
        return WaitOutcome::Changed;
    }
    // A time-out too long for the clock is no time-out.
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        // Recomputed each round from the fixed deadline: an early return (EINTR, a
        // spurious wake) never extends the wait.
        let left = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return WaitOutcome::TimedOut,
            },
            None => None,
        };
        sys::wait(word, expected, left);
        if word.load(Ordering::Acquire) != expected {
            return WaitOutcome::Notified;
        }
    }
}

/// Wakes one waiter of `word`; how many were woken, where the OS says.
pub(crate) fn wake_one(word: &AtomicU32) -> Option<usize> {
    sys::wake(word, 1)
}

/// Wakes every waiter of `word`; how many were woken, where the OS says.
pub(crate) fn wake_all(word: &AtomicU32) -> Option<usize> {
    sys::wake(word, i32::MAX)
}

impl<T: Value<Storage = portable_atomic::AtomicU32>> Atomic<T> {
    /// The cell as a core atomic, for the platform's wait calls (and the dynamic API's).
    pub(crate) fn word(&self) -> &AtomicU32 {
        // SAFETY: `portable_atomic::AtomicU32` is `repr(C, align(4))` over the same
        // `UnsafeCell<u32>` as `core::sync::atomic::AtomicU32` on every target with
        // native 32-bit atomics (the ones this crate supports for shared memory); both
        // are 4 bytes, 4-aligned and accessed only atomically, and the reference keeps
        // `self`'s lifetime.
        unsafe { &*self.inner.as_ptr().cast::<AtomicU32>() }
    }

    /// Blocks while the cell holds `expected` (compared by bits, so for `f32` a NaN
    /// equals the same NaN and `-0.0` differs from `0.0`); returns [`WaitOutcome::Changed`] at once
    /// if it does not, else [`WaitOutcome::Notified`] once a change has been seen after
    /// a wake-up. Another thread or process (sharing the memory) wakes it with
    /// [`notify_one`](Atomic::notify_one) / [`notify_all`](Atomic::notify_all) after
    /// changing the value. Waits with `Acquire` loads: what the changer wrote before its
    /// store is visible afterwards. Blocking is native on Linux, Android, FreeBSD and
    /// macOS 14.4+, polled elsewhere (see docs/WAITING.md in the repository).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    ///
    /// let ready = Atomic::new(0u32);
    /// std::thread::scope(|s| {
    ///     s.spawn(|| {
    ///         ready.store(1);
    ///         ready.notify_all();
    ///     });
    ///     ready.wait(0); // returns once the value is no longer 0
    /// });
    /// assert_eq!(ready.load(), 1);
    /// ```
    pub fn wait(&self, expected: T) -> WaitOutcome {
        wait_word(self.word(), expected.into_raw(), None)
    }

    /// [`wait`](Atomic::wait) for at most `timeout`: [`WaitOutcome::TimedOut`] if the
    /// value still equals `expected` when it has passed.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, WaitOutcome};
    /// use std::time::Duration;
    ///
    /// let word = Atomic::new([0u8; 4]);
    /// let r = word.wait_timeout([0; 4], Duration::from_millis(5));
    /// assert_eq!(r, WaitOutcome::TimedOut);
    /// ```
    pub fn wait_timeout(&self, expected: T, timeout: Duration) -> WaitOutcome {
        wait_word(self.word(), expected.into_raw(), Some(timeout))
    }

    /// Wakes one thread or process blocked in [`wait`](Atomic::wait) on this cell.
    /// Returns how many were woken where the OS says (Linux: `Some(0)` or `Some(1)`),
    /// else `None`. Change the value first: a waiter only returns on a changed value.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    ///
    /// let turn = Atomic::new(0i32);
    /// turn.store(1);
    /// let woken = turn.notify_one(); // nobody waits: Some(0) on Linux
    /// assert!(woken.unwrap_or(0) <= 1);
    /// ```
    pub fn notify_one(&self) -> Option<usize> {
        wake_one(self.word())
    }

    /// Wakes every thread or process blocked in [`wait`](Atomic::wait) on this cell;
    /// returns how many where the OS says (Linux), else `None`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    ///
    /// let phase = Atomic::new(0u32);
    /// phase.inc();
    /// assert!(phase.notify_all().unwrap_or(0) == 0); // nobody was waiting
    /// ```
    pub fn notify_all(&self) -> Option<usize> {
        wake_all(self.word())
    }
}
