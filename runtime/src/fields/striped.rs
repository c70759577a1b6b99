//! [`Striped<T, N>`]: a counter spread over `N` cells, each on its own 128-byte slot, so
//! that adds from different cores do not bounce one cache line.

use core::fmt;
use core::sync::atomic::Ordering::Relaxed;

use crate::cell::atomic::Atomic;
use crate::cell::value::{Arithmetic, Integer, Storage, Value};
use crate::layout::{Field, FieldType, Plain};

/// Bytes from one cell to the next: 128, not 64. Intel CPUs since Sandy Bridge fetch
/// cache lines in aligned pairs (the L2 "spatial prefetcher"), so two cores writing
/// adjacent 64-byte lines still contend; Apple's M-series cores have 128-byte lines
/// outright. crossbeam's `CachePadded` uses 128 on x86_64 and aarch64 for the same
/// reasons.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{STRIPE, Striped};
/// assert_eq!(core::mem::size_of::<Striped<u64, 4>>(), 4 * STRIPE);
/// ```
pub const STRIPE: usize = 128;

/// One cell of a [`Striped`] counter: an atomic alone in a 128-byte slot.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::StripedCell;
/// assert_eq!(core::mem::size_of::<StripedCell<u64>>(), 128);
/// ```
#[repr(C, align(128))]
pub struct StripedCell<T: Value> {
    value: Atomic<T>,
}

impl<T: Value> StripedCell<T> {
    /// The cell's atomic.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let s = shm_atomics::Striped::<u64, 4>::new();
    /// s.cells()[2].value().store(5);
    /// assert_eq!(s.load(), 5);
    /// ```
    pub fn value(&self) -> &Atomic<T> {
        &self.value
    }
}

impl<T: Value> fmt::Debug for StripedCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// A counter of `N` cells on separate 128-byte slots (`N` from 1 to 4096): [`add`]
/// touches the cell of the current CPU (Linux: `sched_getcpu`) or, where the CPU cannot be
/// read, of the current thread (a per-thread index given out round-robin; without `std`
/// a hash of the stack address); [`load`] sums the cells.
///
/// As Java's `LongAdder`: [`load`] is **not** an atomic snapshot. Each cell is read once
/// with a relaxed load, so a `load` concurrent with adds returns a sum that includes every
/// add that completed before the `load` began, none that began after it ended, and any
/// subset of the overlapping ones. For add-only use (non-negative adds) successive loads
/// by one thread never decrease (each cell only grows and is read in order), and once the
/// adds stop the sum is exact. With [`sub`](Striped::sub) or negative adds of a signed
/// counter the sum of a concurrent load may be a value the counter never held. Sums wrap
/// like the cells (two's complement). `load` does not synchronise with the adders: it
/// is a statistic, not a flag that orders other data. [`reset`] stores zero in each cell
/// and loses adds that race with it; [`load_and_reset`] swaps each cell with zero and
/// loses nothing (every add is counted by exactly one `load_and_reset`, or remains).
///
/// [`add`]: Striped::add
/// [`load`]: Striped::load
/// [`reset`]: Striped::reset
/// [`load_and_reset`]: Striped::load_and_reset
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Striped;
///
/// #[atomic_layout]
/// struct Server { hits: Striped<u64, 16>, errors: u64 }
///
/// let s = Server::new();
/// std::thread::scope(|sc| {
///     for _ in 0..4 {
///         sc.spawn(|| for _ in 0..1000 { s.hits().inc(); });
///     }
/// });
/// assert_eq!(s.hits().load(), 4000);
/// assert_eq!(s.hits().load_and_reset(), 4000);
/// assert_eq!(s.hits().load(), 0);
/// ```
#[repr(C)]
pub struct Striped<T: Value, const N: usize> {
    cells: [StripedCell<T>; N],
}

impl<T: Integer, const N: usize> Striped<T, N> {
    const CHECK: () = assert!(N >= 1 && N <= 4096, "a Striped counter has 1 to 4096 cells");

    /// A counter with every cell zero.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::Striped::<i64, 2>::new().load(), 0);
    /// ```
    pub const fn new() -> Self {
        let () = Self::CHECK;
        // SAFETY: every cell is an atomic integer (all-zero valid) or padding.
        unsafe { core::mem::zeroed() }
    }

    /// The cell the current CPU (or thread) adds to.
    #[inline(always)]
    fn mine(&self) -> &T::Storage {
        self.cells[cell_index() % N].value.storage()
    }

    /// Adds `v` (relaxed, to the current CPU's or thread's cell; wraps).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<u64, 8>::new();
    /// c.add(40);
    /// c.add(2);
    /// assert_eq!(c.load(), 42);
    /// ```
    #[inline]
    pub fn add(&self, v: T) {
        <T as Arithmetic>::add(self.mine(), v, Relaxed)
    }

    /// Adds one.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<u32, 4>::new();
    /// c.inc();
    /// assert_eq!(c.load(), 1);
    /// ```
    #[inline]
    pub fn inc(&self) {
        self.add(T::ONE)
    }

    /// Subtracts `v` (wraps; see the type's notes on what a concurrent `load` then sees).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<i64, 4>::new();
    /// c.add(5);
    /// c.sub(7);
    /// assert_eq!(c.load(), -2);
    /// ```
    #[inline]
    pub fn sub(&self, v: T) {
        <T as Arithmetic>::sub(self.mine(), v, Relaxed)
    }

    /// The sum of the cells (relaxed loads, wrapping sum; see the type's notes for what
    /// a load concurrent with adds returns).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<u64, 16>::new();
    /// c.cells()[0].value().store(1);
    /// c.cells()[15].value().store(2);
    /// assert_eq!(c.load(), 3);
    /// ```
    #[inline]
    pub fn load(&self) -> T {
        let mut sum = T::ZERO.into_raw();
        for c in &self.cells {
            sum = wrapping_add(sum, c.value.storage().load(Relaxed));
        }
        T::from_raw(sum)
    }

    /// Stores zero in every cell. Adds that run at the same time may be lost; use
    /// [`load_and_reset`](Striped::load_and_reset) for interval reporting.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<u64, 4>::new();
    /// c.add(3);
    /// c.reset();
    /// assert_eq!(c.load(), 0);
    /// ```
    pub fn reset(&self) {
        for c in &self.cells {
            c.value.storage().store(T::ZERO.into_raw(), Relaxed);
        }
    }

    /// Swaps every cell with zero and returns the sum of what they held: each add is
    /// counted by exactly one call (or is still in the cells), so successive calls give
    /// the counts of successive intervals.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<u64, 4>::new();
    /// c.add(3);
    /// assert_eq!(c.load_and_reset(), 3);
    /// c.add(4);
    /// assert_eq!(c.load_and_reset(), 4);
    /// ```
    pub fn load_and_reset(&self) -> T {
        let mut sum = T::ZERO.into_raw();
        for c in &self.cells {
            sum = wrapping_add(sum, c.value.storage().exchange(T::ZERO.into_raw(), Relaxed));
        }
        T::from_raw(sum)
    }

    /// The cells, for inspection (`shma get --cells`) or per-cell use.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let c = shm_atomics::Striped::<u64, 16>::new();
    /// assert_eq!(c.cells().len(), 16);
    /// ```
    pub fn cells(&self) -> &[StripedCell<T>; N] {
        &self.cells
    }
}

#[inline(always)]
fn wrapping_add<R: crate::cell::value::RawInt>(a: R, b: R) -> R {
    R::from_u128_truncate(a.to_u128().wrapping_add(b.to_u128()))
}

impl<T: Integer, const N: usize> Default for Striped<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Integer, const N: usize> fmt::Debug for Striped<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Striped")
            .field("sum", &self.load())
            .field("cells", &N)
            .finish()
    }
}

/// The plain twin of a [`Striped`] counter in a layout's snapshot: one padded cell
/// snapshot per cell ([`sum`](StripedSnapshot::sum) adds them).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, Striped};
/// #[atomic_layout]
/// struct S { hits: Striped<u64, 4> }
/// let s = S::new();
/// s.hits().add(7);
/// assert_eq!(s.snapshot().hits.sum(), 7);
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
#[repr(C)]
pub struct StripedSnapshot<C, const N: usize> {
    /// The cells.
    pub cells: [C; N],
}

impl<C: StripedCellSnapshot, const N: usize> StripedSnapshot<C, N> {
    /// The wrapping sum of the cells.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, Striped};
    /// #[atomic_layout]
    /// struct S { hits: Striped<i64, 2> }
    /// let s = S::new();
    /// s.hits().sub(3);
    /// assert_eq!(s.snapshot().hits.sum(), -3);
    /// ```
    pub fn sum(&self) -> C::Value {
        let mut sum = C::Value::ZERO.into_raw();
        for c in &self.cells {
            sum = wrapping_add(sum, c.get().into_raw());
        }
        C::Value::from_raw(sum)
    }
}

impl<C: StripedCellSnapshot, const N: usize> Default for StripedSnapshot<C, N> {
    fn default() -> Self {
        Plain::zeroed()
    }
}

// SAFETY: `StripedSnapshot<C, N>` is `repr(C)` with one field, `[C; N]`, so its bytes
// are the array's: no padding, all-zero valid, valid iff the array is (contracts 1-4 of
// `[C; N]: Plain`). `C` is one of the four sealed cell types below, never a user's type,
// so the public field does not let a padded type in.
unsafe impl<C: StripedCellSnapshot, const N: usize> Plain for StripedSnapshot<C, N> {
    const ALL_VALID: bool = <[C; N] as Plain>::ALL_VALID;
    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        <[C; N] as Plain>::is_valid(bytes)
    }
}

/// The plain twin of one [`StripedCell`]: a value and its slot's padding as an explicit
/// byte array (one concrete type per cell type, sealed).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{StripedCellSnapshot, StripedU64};
/// assert_eq!(StripedU64::new(5).get(), 5);
/// ```
pub trait StripedCellSnapshot: Plain + sealed::Sealed {
    /// The counter's value type.
    type Value: Integer;
    /// A cell holding `v`.
    fn new(v: Self::Value) -> Self;
    /// The cell's value.
    fn get(&self) -> Self::Value;
}

mod sealed {
    pub trait Sealed {}
}

/// A value type that a [`Striped`] counter can hold: `u64`, `i64`, `u32`, `i32`.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::StripedValue;
/// fn sum<T: StripedValue, const N: usize>(c: &shm_atomics::Striped<T, N>) -> T { c.load() }
/// assert_eq!(sum(&shm_atomics::Striped::<u32, 2>::new()), 0);
/// ```
pub trait StripedValue: Integer + sealed::Sealed {
    /// The plain twin of one cell.
    type Cell: StripedCellSnapshot<Value = Self>;
}

macro_rules! striped_cells {
    ($($t:ident $name:ident;)*) => {$(
        #[doc = concat!("The plain twin of a `StripedCell<", stringify!($t), ">`: the value, then \
                          the slot's padding.")]
        ///
        /// ```
        /// # use shm_atomics_runtime as shm_atomics;
        /// use shm_atomics::StripedCellSnapshot;
        #[doc = concat!("assert_eq!(core::mem::size_of::<shm_atomics::", stringify!($name), ">(), 128);")]
        /// ```
        #[derive(Clone, Copy, PartialEq, Debug)]
        #[repr(C, align(128))]
        pub struct $name {
            /// The cell's value.
            pub value: $t,
            _pad: [u8; STRIPE - core::mem::size_of::<$t>()],
        }

        const _: () = assert!(core::mem::size_of::<$name>() == STRIPE && STRIPE == 128);

        // SAFETY: `repr(C)`: the value at 0, then `[u8; 128 - size]` right after it
        // (alignment 1), ending at 128 = the struct's size (asserted above) and a
        // multiple of its alignment: no padding. Every byte is an integer's or a padding
        // byte's, so every bit pattern (all-zero included) is valid.
        unsafe impl Plain for $name {
            const ALL_VALID: bool = true;
            #[inline]
            fn is_valid(bytes: &[u8]) -> bool {
                bytes.len() == core::mem::size_of::<Self>()
            }
        }

        impl sealed::Sealed for $name {}
        impl sealed::Sealed for $t {}

        impl StripedCellSnapshot for $name {
            type Value = $t;
            fn new(value: $t) -> Self {
                $name { value, _pad: [0; STRIPE - core::mem::size_of::<$t>()] }
            }
            fn get(&self) -> $t {
                self.value
            }
        }

        impl StripedValue for $t {
            type Cell = $name;
        }
    )*};
}

striped_cells! {
    u64 StripedU64;
    i64 StripedI64;
    u32 StripedU32;
    i32 StripedI32;
}

// SAFETY: `Striped<T, N>` is `repr(C)`: `N` cells of 128 bytes aligned to 128, each an
// `Atomic<T>` at its start and padding never accessed: size `N * 128`, alignment 128,
// exactly `FieldType::Striped { width: T::WIDTH, cells: N, stride: 128 }`; all-zero and
// every bit pattern are valid. `StripedSnapshot<T::Cell, N>` has the same size and
// alignment (an array of 128-byte, 128-aligned cell twins) and the value at each cell's
// start.
unsafe impl<T: StripedValue, const N: usize> Field for Striped<T, N> {
    const SIZE: usize = {
        let () = Self::CHECK;
        N * STRIPE
    };
    const ALIGN: usize = STRIPE;
    const TYPE: FieldType = FieldType::Striped {
        kind: T::KIND,
        width: T::WIDTH,
        cells: N,
        stride: STRIPE,
    };
    type Snapshot = StripedSnapshot<T::Cell, N>;

    /// Each cell loaded once (relaxed), as [`Striped::load`] does.
    fn load_field(&self) -> Self::Snapshot {
        StripedSnapshot {
            cells: core::array::from_fn(|i| {
                T::Cell::new(T::from_raw(self.cells[i].value.storage().load(Relaxed)))
            }),
        }
    }

    /// Stores each cell.
    fn store_field(&self, snapshot: &Self::Snapshot) {
        for (c, s) in self.cells.iter().zip(&snapshot.cells) {
            c.value.storage().store(s.get().into_raw(), Relaxed);
        }
    }
}

/// The index of the cell the caller adds to (reduced modulo `N` by the caller).
#[inline(always)]
fn cell_index() -> usize {
    #[cfg(all(feature = "std", target_os = "linux"))]
    {
        // SAFETY: sched_getcpu has no preconditions; glibc reads it from the rseq area
        // (or the vDSO), a few nanoseconds.
        let cpu = unsafe { libc::sched_getcpu() };
        if cpu >= 0 {
            return cpu as usize;
        }
        thread_slot()
    }
    #[cfg(all(feature = "std", not(target_os = "linux")))]
    {
        thread_slot()
    }
    #[cfg(not(feature = "std"))]
    {
        // No thread-locals without std: a hash of the stack address (threads have
        // separate stacks, so they mostly get separate cells).
        let probe = 0u8;
        let a = &probe as *const u8 as usize;
        (a >> 12).wrapping_mul(0x9e37_79b9) >> 7
    }
}

/// A per-thread index, given out round-robin from the process id (so two processes do
/// not both start at cell 0).
#[cfg(feature = "std")]
fn thread_slot() -> usize {
    use core::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, Relaxed).wrapping_add(std::process::id() as usize);
    }
    SLOT.with(|s| *s)
}
