//! Memory orders and the rules for which operation accepts which order.

use core::fmt;
use core::sync::atomic::Ordering;

use crate::cell::ops::OpType;

/// The memory order of an atomic operation, as in C11 / C++ `std::memory_order`.
///
/// Every `*_explicit` method takes a `MemoryOrder`. Where an operation cannot have every
/// order, the order is checked before memory is touched and an invalid one is returned as
/// [`MemoryOrderError`] (C++ leaves that undefined; here it is a value you can handle).
/// Read-modify-write operations accept all five, so on [`Atomic<T>`](crate::Atomic) their
/// `_explicit` forms return the value directly:
///
/// | operation                    | valid orders                                      |
/// |------------------------------|---------------------------------------------------|
/// | `store`                      | `Relaxed`, `Release`, `SeqCst`                    |
/// | `load`, `bit_test`           | `Relaxed`, `Acquire`, `SeqCst`                    |
/// | read-modify-write            | all five                                          |
/// | `cmpxchg_*` failure order    | `Relaxed`, `Acquire`, `SeqCst`, whatever the success order |
///
/// The failure order of a compare-exchange follows C++17 (P0418R2) and Rust since 1.64:
/// any load order is valid with any success order, so `(Release, Acquire)` and
/// `(Relaxed, SeqCst)` are accepted (the failure is then a load of that order); only
/// `Release` and `AcqRel` are refused as failure orders, since a failed compare-exchange
/// stores nothing.
///
/// C11's `consume` is not offered: every compiler implements it as `acquire`.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, MemoryOrder};
///
/// let a = Atomic::<u32>::new(1);
/// assert_eq!(a.load_explicit(MemoryOrder::Acquire), Ok(1));
/// assert!(a.load_explicit(MemoryOrder::Release).is_err());
/// assert_eq!(a.fetch_add_explicit(1, MemoryOrder::Release), 1); // any order: no `Result`
/// assert!(MemoryOrder::Acquire.is_valid_fail_order(MemoryOrder::Release));
/// assert!(!MemoryOrder::Release.is_valid_fail_order(MemoryOrder::SeqCst));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum MemoryOrder {
    /// No ordering constraint; only atomicity.
    Relaxed = 0,
    /// Later reads and writes of this thread stay after this load.
    Acquire = 1,
    /// Earlier reads and writes of this thread stay before this store.
    Release = 2,
    /// Both `Acquire` and `Release` (read-modify-write operations only).
    AcqRel = 3,
    /// `AcqRel` plus a single total order of all `SeqCst` operations. The default.
    SeqCst = 4,
}

impl MemoryOrder {
    /// All five orders, weakest first.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::MemoryOrder::ALL.len(), 5);
    /// ```
    pub const ALL: [MemoryOrder; 5] = [
        MemoryOrder::Relaxed,
        MemoryOrder::Acquire,
        MemoryOrder::Release,
        MemoryOrder::AcqRel,
        MemoryOrder::SeqCst,
    ];

    /// Whether a store may use this order (`Relaxed`, `Release`, `SeqCst`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::MemoryOrder;
    /// assert!(MemoryOrder::Release.is_valid_store_order());
    /// assert!(!MemoryOrder::Acquire.is_valid_store_order());
    /// ```
    pub const fn is_valid_store_order(self) -> bool {
        matches!(self, Self::Relaxed | Self::Release | Self::SeqCst)
    }

    /// Whether a load may use this order (`Relaxed`, `Acquire`, `SeqCst`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::MemoryOrder;
    /// assert!(MemoryOrder::Acquire.is_valid_load_order());
    /// assert!(!MemoryOrder::AcqRel.is_valid_load_order());
    /// ```
    pub const fn is_valid_load_order(self) -> bool {
        matches!(self, Self::Relaxed | Self::Acquire | Self::SeqCst)
    }

    /// Whether `self` may be the failure order of a compare-exchange whose success order
    /// is `success`: exactly when it is a load order (`Relaxed`, `Acquire`, `SeqCst`, as
    /// [`is_valid_load_order`](Self::is_valid_load_order)), whatever `success` is.
    ///
    /// C++17 and Rust since 1.64 dropped the old rule that the failure order be no
    /// stronger than the success order; this crate follows them. `success` is kept in the
    /// signature so code written against the old rule still compiles; it no longer
    /// changes the answer.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::MemoryOrder::*;
    /// assert!(Relaxed.is_valid_fail_order(Release));
    /// assert!(Acquire.is_valid_fail_order(AcqRel));
    /// assert!(Acquire.is_valid_fail_order(Release)); // allowed since C++17 / Rust 1.64
    /// assert!(SeqCst.is_valid_fail_order(Relaxed));
    /// assert!(!Release.is_valid_fail_order(SeqCst)); // a failure stores nothing
    /// assert!(!AcqRel.is_valid_fail_order(AcqRel));
    /// ```
    pub const fn is_valid_fail_order(self, success: MemoryOrder) -> bool {
        // Any success order: the rule no longer depends on it (see the doc above).
        let _ = success;
        self.is_valid_load_order()
    }

    /// The failure order that goes with `self` as a success order when only one order is
    /// given: its load part (`Relaxed` for `Relaxed` and `Release`, `Acquire` for
    /// `Acquire` and `AcqRel`, `SeqCst` for `SeqCst`), as C++'s one-order
    /// `compare_exchange_*` overloads pick it. The compare-exchange loops behind
    /// `update_fetch`, `fetch_update` and `update_vals` (and `bool`'s logical not) use it.
    /// (Any load order is a valid failure order whatever the success order, see
    /// [`is_valid_fail_order`](Self::is_valid_fail_order); this is the pairing, not a
    /// limit. The name is kept from when failure orders were limited by the success order.)
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::MemoryOrder::*;
    /// assert_eq!(AcqRel.strongest_fail_order(), Acquire);
    /// assert_eq!(Release.strongest_fail_order(), Relaxed);
    /// ```
    pub const fn strongest_fail_order(self) -> MemoryOrder {
        match self {
            Self::Relaxed | Self::Release => Self::Relaxed,
            Self::Acquire | Self::AcqRel => Self::Acquire,
            Self::SeqCst => Self::SeqCst,
        }
    }

    /// The lower-case C11 name without the `memory_order_` prefix.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::MemoryOrder::AcqRel.name(), "acq_rel");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Self::Relaxed => "relaxed",
            Self::Acquire => "acquire",
            Self::Release => "release",
            Self::AcqRel => "acq_rel",
            Self::SeqCst => "seq_cst",
        }
    }

    /// core's `Ordering` of the same name.
    #[inline(always)]
    pub(crate) const fn ordering(self) -> Ordering {
        match self {
            Self::Relaxed => Ordering::Relaxed,
            Self::Acquire => Ordering::Acquire,
            Self::Release => Ordering::Release,
            Self::AcqRel => Ordering::AcqRel,
            Self::SeqCst => Ordering::SeqCst,
        }
    }

    /// The order of a core `Ordering`, for code below the validated API that only has
    /// the core value. core's `Ordering` is `#[non_exhaustive]`: an order it may add later
    /// maps to `SeqCst`, the strongest, so the result is never weaker than asked (the
    /// public `TryFrom<Ordering>` hands such an order back instead).
    #[inline(always)]
    pub(crate) const fn of_ordering(o: Ordering) -> MemoryOrder {
        match o {
            Ordering::Relaxed => Self::Relaxed,
            Ordering::Acquire => Self::Acquire,
            Ordering::Release => Self::Release,
            Ordering::AcqRel => Self::AcqRel,
            _ => Self::SeqCst,
        }
    }

    pub(crate) fn check_load(self, op: OpType) -> Result<Ordering, MemoryOrderError> {
        if self.is_valid_load_order() {
            Ok(self.into())
        } else {
            Err(MemoryOrderError::new(op, self, false))
        }
    }

    pub(crate) fn check_store(self, op: OpType) -> Result<Ordering, MemoryOrderError> {
        if self.is_valid_store_order() {
            Ok(self.into())
        } else {
            Err(MemoryOrderError::new(op, self, false))
        }
    }

    pub(crate) fn check_cmpxchg(
        self,
        fail: MemoryOrder,
        op: OpType,
    ) -> Result<(Ordering, Ordering), MemoryOrderError> {
        if fail.is_valid_fail_order(self) {
            Ok((self.into(), fail.into()))
        } else {
            Err(MemoryOrderError::new(op, fail, true))
        }
    }
}

impl Default for MemoryOrder {
    /// `SeqCst`, the order of every method without an explicit order.
    fn default() -> Self {
        Self::SeqCst
    }
}

impl fmt::Display for MemoryOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<MemoryOrder> for Ordering {
    #[inline(always)]
    fn from(o: MemoryOrder) -> Self {
        o.ordering()
    }
}

impl TryFrom<Ordering> for MemoryOrder {
    type Error = Ordering;

    /// Converts core's `Ordering` (which is `#[non_exhaustive]`); an unknown future order
    /// is handed back.
    fn try_from(o: Ordering) -> Result<Self, Ordering> {
        match o {
            Ordering::Relaxed => Ok(Self::Relaxed),
            Ordering::Acquire => Ok(Self::Acquire),
            Ordering::Release => Ok(Self::Release),
            Ordering::AcqRel => Ok(Self::AcqRel),
            Ordering::SeqCst => Ok(Self::SeqCst),
            other => Err(other),
        }
    }
}

/// A memory order that the operation cannot take.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Error, MemoryOrder, OpType};
///
/// let a = Atomic::<u8>::new(0);
/// let err = a
///     .cmpxchg_strong_explicit(0, 1, MemoryOrder::SeqCst, MemoryOrder::Release)
///     .unwrap_err();
/// assert!(matches!(err, Error::MemoryOrder(e) if e.is_fail && e.op == OpType::CmpxchgStrong));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryOrderError {
    /// The operation.
    pub op: OpType,
    /// The order that was refused.
    pub order: MemoryOrder,
    /// Whether the refused order is a compare-exchange failure order.
    pub is_fail: bool,
}

impl MemoryOrderError {
    pub(crate) const fn new(op: OpType, order: MemoryOrder, is_fail: bool) -> Self {
        Self { op, order, is_fail }
    }
}

impl fmt::Display for MemoryOrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_fail {
            write!(
                f,
                "memory order {} is not a valid failure order for {}: use relaxed, acquire or \
                 seq_cst (a failed compare-exchange only loads; any success order goes with \
                 any of them)",
                self.order, self.op
            )
        } else if self.op == OpType::Store {
            write!(
                f,
                "memory order {} is not valid for store: use relaxed, release or seq_cst",
                self.order
            )
        } else {
            write!(
                f,
                "memory order {} is not valid for {}: use relaxed, acquire or seq_cst",
                self.order, self.op
            )
        }
    }
}

impl core::error::Error for MemoryOrderError {}
