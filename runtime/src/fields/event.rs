//! [`Event`]: a 32-bit generation word the library owns, so a program can block until
//! any condition on other fields (of any width) holds, across processes.
//!
//! # The protocol (why no wake-up is lost)
//!
//! Waiter ([`Event::wait_until`]), in a loop:
//! 1. `g = generation.load(Acquire)`;
//! 2. if `predicate()` holds, return (it reads the data *after* step 1);
//! 3. sleep while `generation == g` (futex wait: the kernel compares the word with `g`
//!    under its wait-queue lock, and sleeps only if they are equal), then go to 1.
//!
//! Notifier ([`Event::notify_all`] / [`Event::notify_one`]):
//! 1. update the data (any atomic stores);
//! 2. `generation.fetch_add(1, Release)`;
//! 3. wake the waiters (futex wake).
//!
//! If the waiter's step 1 read the incremented generation, Acquire pairs with the
//! notifier's Release, so the predicate sees the data. If it read an older generation,
//! the notifier's increment comes later in the word's order, so either the waiter's
//! kernel comparison (step 3) sees the new value and returns at once, or the waiter was
//! already queued when the notifier woke the queue. Either way the waiter goes round
//! again; it never sleeps through a notification that followed its predicate check.
//! The generation wraps after 2^32 notifications; a waiter that sleeps through exactly
//! 2^32 of them between steps 1 and 3 would miss one (a theoretical bound).

use crate::cell::atomic::Atomic;
use crate::layout::{Field, FieldType};
#[cfg(feature = "std")]
use core::sync::atomic::{AtomicU32, Ordering};
#[cfg(feature = "std")]
use std::time::{Duration, Instant};

/// A 32-bit generation counter to wait on for any condition: waiters call
/// [`wait_until`](Event::wait_until) with a predicate over other fields, notifiers change
/// those fields and call [`notify_all`](Event::notify_all). A field type of
/// `#[atomic_layout]` (`ready: Event`, descriptor type `Event`, C type `_Atomic
/// uint32_t`), usable on its own too. Waiting needs the `std` feature; it blocks in the
/// kernel on Linux, Android, FreeBSD and macOS 14.4+ and polls elsewhere. The protocol
/// and its orderings are in this module's source documentation (`fields/event.rs`).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Event};
/// use std::time::Duration;
///
/// let items = Atomic::new(0u64); // any width: the event carries the wake-up
/// let event = Event::new();
/// std::thread::scope(|s| {
///     s.spawn(|| {
///         items.add(5);
///         event.notify_all();
///     });
///     assert!(event.wait_until(|| items.load() >= 5, Some(Duration::from_secs(10))));
/// });
/// ```
#[repr(transparent)]
#[derive(Default)]
pub struct Event {
    generation: Atomic<u32>,
}

impl Event {
    /// An event at generation 0.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// static READY: shm_atomics::Event = shm_atomics::Event::new();
    /// assert_eq!(READY.generation(), 0);
    /// ```
    pub const fn new() -> Event {
        Event {
            generation: Atomic::new(0),
        }
    }

    /// The current generation (`Acquire`): how many notifications there have been,
    /// wrapping at 2^32.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let e = shm_atomics::Event::new();
    /// e.notify_all();
    /// assert_eq!(e.generation(), 1);
    /// ```
    pub fn generation(&self) -> u32 {
        self.generation
            .load_explicit(crate::MemoryOrder::Acquire)
            .unwrap_or_else(|_| unreachable!("Acquire is a valid load order"))
    }

    /// The generation word itself (for C peers and low-level waits).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let e = shm_atomics::Event::new();
    /// assert_eq!(e.word().load(), 0);
    /// ```
    pub fn word(&self) -> &Atomic<u32> {
        &self.generation
    }
}

#[cfg(feature = "std")]
impl Event {
    fn raw(&self) -> &AtomicU32 {
        // SAFETY: `Atomic<u32>` is `repr(transparent)` over portable-atomic's
        // `AtomicU32`, which has the layout of core's `AtomicU32` (4 bytes, 4-aligned,
        // one `UnsafeCell<u32>`), accessed only atomically; the lifetime is `self`'s.
        unsafe { &*self.generation.as_ptr().cast::<AtomicU32>() }
    }

    /// Blocks until `predicate()` returns true, or `timeout` (`None`: no limit) passes;
    /// returns whether the predicate held. The predicate runs after an `Acquire` load of
    /// the generation, so it sees everything a notifier wrote before notifying. Spurious
    /// wake-ups and notifications for other conditions are absorbed (the predicate is
    /// checked again).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, Event};
    /// use std::time::Duration;
    ///
    /// let (flag, event) = (Atomic::new(false), Event::new());
    /// assert!(!event.wait_until(|| flag.load(), Some(Duration::from_millis(5))));
    /// flag.store(true);
    /// event.notify_all();
    /// assert!(event.wait_until(|| flag.load(), None));
    /// ```
    pub fn wait_until(
        &self,
        mut predicate: impl FnMut() -> bool,
        timeout: Option<Duration>,
    ) -> bool {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            // Step 1: Acquire pairs with the notifier's Release increment.
            let seen = self.raw().load(Ordering::Acquire);
            // Step 2: the data, read after the generation.
            if predicate() {
                return true;
            }
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return false,
                },
                None => None,
            };
            // Step 3: sleep only while the generation is still `seen`.
            crate::cell::wait::wait_word(self.raw(), seen, left);
        }
    }

    /// Blocks until the generation differs from `seen` (a notification happened since
    /// `seen` was read), or `timeout` passes. For "wake me on the next notification":
    /// read [`generation`](Event::generation) first, then call this.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Event, WaitOutcome};
    /// use std::time::Duration;
    ///
    /// let e = Event::new();
    /// let seen = e.generation();
    /// assert_eq!(e.wait_for_notify(seen, Some(Duration::from_millis(2))), WaitOutcome::TimedOut);
    /// e.notify_one();
    /// assert_eq!(e.wait_for_notify(seen, None), WaitOutcome::Changed);
    /// ```
    pub fn wait_for_notify(&self, seen: u32, timeout: Option<Duration>) -> crate::WaitOutcome {
        crate::cell::wait::wait_word(self.raw(), seen, timeout)
    }

    /// Notifies every waiter: increments the generation (`Release`: the data written
    /// before this call is visible to the woken predicates), then wakes them. Returns how
    /// many were woken where the OS says (Linux), else `None`. One system call, waiters
    /// or not.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let e = shm_atomics::Event::new();
    /// assert_eq!(e.notify_all().unwrap_or(0), 0); // nobody waits
    /// ```
    pub fn notify_all(&self) -> Option<usize> {
        self.raw().fetch_add(1, Ordering::Release);
        crate::cell::wait::wake_all(self.raw())
    }

    /// Notifies one waiter: increments the generation (`Release`), then wakes one. Use
    /// it only when every waiter waits for the same condition and any one of them can
    /// act on it (a work queue): a woken waiter whose predicate is false goes back to
    /// sleep and the notification is spent.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let e = shm_atomics::Event::new();
    /// assert!(e.notify_one().unwrap_or(0) <= 1);
    /// assert_eq!(e.generation(), 1);
    /// ```
    pub fn notify_one(&self) -> Option<usize> {
        self.raw().fetch_add(1, Ordering::Release);
        crate::cell::wait::wake_one(self.raw())
    }
}

impl core::fmt::Debug for Event {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Event")
            .field("generation", &self.generation.load())
            .finish()
    }
}

// SAFETY: `Event` is `repr(transparent)` over `Atomic<u32>`: 4 bytes, 4-aligned, every
// bit pattern valid, accessed only atomically; `FieldType::Event` has size 4; the
// snapshot `u32` has the same size and alignment and holds the word's value.
unsafe impl Field for Event {
    const SIZE: usize = 4;
    const ALIGN: usize = 4;
    const TYPE: FieldType = FieldType::Event;
    type Snapshot = u32;

    fn load_field(&self) -> u32 {
        self.generation.load()
    }

    /// Restoring a snapshot sets the generation (waiters see a change and re-check).
    fn store_field(&self, snapshot: &u32) {
        self.generation.store(*snapshot);
    }
}

const _: () = assert!(
    core::mem::size_of::<Event>() == 4 && core::mem::align_of::<Event>() == 4,
    "Event is one 32-bit word"
);
