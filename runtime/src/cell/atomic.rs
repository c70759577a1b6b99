//! [`Atomic<T>`]: the one atomic cell type, its constructors and the operations every
//! value type has. The operations that depend on what `T` can do (bits, arithmetic, steps
//! of one) are in `capability.rs`.
//!
//! Read-modify-write operations come in pairs written once by `rmw!`: `op` (`SeqCst`)
//! and `op_explicit(.., order)`, each with its own doc example.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::sync::atomic::Ordering;

use crate::cell::align::Alignment;
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::MemoryOrder;
use crate::cell::value::{Kind, Storage, Value};
use crate::error::{Error, SizeError, UnsupportedWidth, WidthReason};

const SEQ: Ordering = Ordering::SeqCst;

/// A lock-free, address-free atomic `T`: `i8`..`i128`, `u8`..`u128`, `f32`, `f64`,
/// `bool` or `[u8; N]` (N = 1, 2, 4, 8, 16).
///
/// `#[repr(transparent)]` over portable-atomic's integer atomic of the width, so
/// `size_of` and `align_of` equal the width and the bytes in memory are exactly the bytes
/// of the value: C code using `_Atomic uint32_t` (or `std::atomic<uint32_t>`) on the same
/// memory sees the same thing.
///
/// Operations come in impl blocks by capability: every `T` has the ones below;
/// [`Bitwise`](crate::Bitwise) values (integers, bytes, bool) add `bit_*` and `bin_*`;
/// [`Arithmetic`](crate::Arithmetic) values add `add`/`sub`/`neg` and their fetch forms
/// (wrapping for integers, IEEE for floats); [`Integer`](crate::Integer) values add
/// `inc`/`dec`. What a type offers is listed by [`Atomic::ops_supported`]. Methods without
/// an order use `SeqCst` and cannot fail; each has an `_explicit` form taking a
/// [`MemoryOrder`]. Read-modify-write operations accept every order, so their `_explicit`
/// forms return the value directly; `load`, `store`, `bit_test` and the `cmpxchg_*`
/// failure order are validated first and return a `Result`.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::Atomic;
///
/// static HITS: Atomic<u64> = Atomic::new(0);
///
/// HITS.inc();
/// HITS.add(2);
/// assert_eq!(HITS.fetch_add(1), 3);
/// assert_eq!(HITS.load(), 4);
///
/// let id = Atomic::new([0u8; 16]);
/// assert!(id.cmpxchg_strong([0; 16], *b"worker-000000001").success);
/// assert_eq!(&id.load(), b"worker-000000001");
/// ```
#[repr(transparent)]
pub struct Atomic<T: Value> {
    pub(super) inner: T::Storage,
    _marker: PhantomData<T>,
}

/// The result of a compare-exchange: whether it succeeded, and the value found (equal to
/// the expected value on success).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::Atomic;
///
/// let a = Atomic::new(5i32);
/// let r = a.cmpxchg_strong(4, 6);
/// assert!(!r.success);
/// assert_eq!(r.expected, 5);
/// assert_eq!(a.cmpxchg_strong(5, 6).into_result(), Ok(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CmpxchgResult<T> {
    /// Whether the new value was written.
    pub success: bool,
    /// The value found in memory.
    pub expected: T,
}

impl<T> CmpxchgResult<T> {
    /// `Ok(found)` on success, `Err(found)` on failure, like core's `compare_exchange`.
    pub fn into_result(self) -> Result<T, T> {
        if self.success {
            Ok(self.expected)
        } else {
            Err(self.expected)
        }
    }

    fn from_result(r: Result<T, T>) -> Self {
        match r {
            Ok(expected) => Self {
                success: true,
                expected,
            },
            Err(expected) => Self {
                success: false,
                expected,
            },
        }
    }
}

/// Reinterprets the bytes of one type as another of the same size in a `const fn`.
union Cast<A, B> {
    a: ManuallyDrop<A>,
    b: ManuallyDrop<B>,
}

/// Checks that `addr` can hold a view of `T` into memory others may share.
fn check_view<T: Value>(addr: usize) -> Result<(), Error> {
    let align = Alignment::new(T::WIDTH)?;
    if !align.is_valid_recommended(addr) {
        return Err(crate::error::AlignmentError {
            addr,
            required: align.recommended(),
            width: T::WIDTH,
        }
        .into());
    }
    require_lock_free::<T>()
}

/// Refuses a view of `T` into shared memory where `T` is not lock-free here: a
/// process-local lock would lose updates made by other processes.
pub(crate) fn require_lock_free<T: Value>() -> Result<(), Error> {
    if T::Storage::is_lock_free() {
        return Ok(());
    }
    Err(UnsupportedWidth {
        width: T::WIDTH,
        reason: WidthReason::NotLockFree,
    }
    .into())
}

/// Writes read-modify-write operations, each as its pair of methods: `name` (`SeqCst`)
/// and `name_explicit(.., order)` (any of the five orders, all valid for a
/// read-modify-write, so no `Result` for the order), like the method families of std's
/// and portable-atomic's `atomic.rs`.
///
/// Each entry gives the docs of `name`, the two names, the operand (if any), the result
/// type (if any), the body computing the result from the storage `$s` and core's ordering
/// `$o`, and an `example { init, arg, returns, then }` from which both methods get a doc
/// test: `Atomic::new(init)`, the call with `arg` (and `MemoryOrder::Relaxed`) returning
/// `returns`, then `load() == then`.
macro_rules! rmw {
    ($(
        $(#[doc = $doc:literal])+
        fn $name:ident, $explicit:ident($($v:ident: $vt:ty)?) $(-> $ret:ty)?
            = |$s:ident, $o:ident| $body:expr;
        example { init: $init:expr $(, arg: $arg:expr)? $(, returns: $r:expr)?, then: $then:expr }
    )*) => {$(
        $(#[doc = $doc])+
        ///
        /// ```
        /// # use shm_atomics_runtime as shm_atomics;
        #[doc = concat!("let a = shm_atomics::Atomic::new(", stringify!($init), ");")]
        #[doc = $crate::cell::atomic::example_call!(
            concat!("a.", stringify!($name), "(", $(stringify!($arg),)? ")") $(, $r)?
        )]
        #[doc = concat!("assert_eq!(a.load(), ", stringify!($then), ");")]
        /// ```
        #[inline]
        pub fn $name(&self $(, $v: $vt)?) $(-> $ret)? {
            self.$explicit($($v,)? MemoryOrder::SeqCst)
        }

        #[doc = concat!(
            "[`", stringify!($name), "`](Self::", stringify!($name), ") with `order`, any ",
            "of the five: every order is valid for a read-modify-write."
        )]
        ///
        /// ```
        /// # use shm_atomics_runtime as shm_atomics;
        /// use shm_atomics::{Atomic, MemoryOrder};
        #[doc = concat!("let a = Atomic::new(", stringify!($init), ");")]
        #[doc = $crate::cell::atomic::example_call!(concat!(
            "a.", stringify!($explicit), "(", $(stringify!($arg), ", ",)?
            "MemoryOrder::Relaxed)"
        ) $(, $r)?)]
        #[doc = concat!("assert_eq!(a.load(), ", stringify!($then), ");")]
        /// ```
        #[inline]
        pub fn $explicit(&self $(, $v: $vt)?, order: MemoryOrder) $(-> $ret)? {
            let $s = &self.inner;
            let $o: core::sync::atomic::Ordering = order.into();
            $body
        }
    )*};
}
pub(super) use rmw;

/// The line of a doc example that calls an operation: `call;`, or
/// `assert_eq!(call, returns);` when the entry names what it returns.
macro_rules! example_call {
    ($call:expr) => {
        concat!($call, ";")
    };
    ($call:expr, $r:expr) => {
        concat!("assert_eq!(", $call, ", ", stringify!($r), ");")
    };
}
pub(super) use example_call;

/// Writes the two compare-exchanges, each as its pair: `name(expected, desired)`
/// (`SeqCst`) and `name_explicit(expected, desired, success, failure)`, whose failure
/// order is checked (`MemoryOrderError`). `$op` is the `OpType`; `CmpxchgWeak` may fail
/// spuriously. The `explicit { .. }` block holds the `_explicit` form's example.
macro_rules! cmpxchg {
    ($(
        $(#[doc = $doc:literal])+
        fn $name:ident, $explicit:ident = $op:ident;
        explicit { $(#[doc = $edoc:literal])+ }
    )*) => {$(
        $(#[doc = $doc])+
        #[inline]
        pub fn $name(&self, expected: T, desired: T) -> CmpxchgResult<T> {
            let weak = matches!(OpType::$op, OpType::CmpxchgWeak);
            CmpxchgResult::from_result(T::cmpxchg(&self.inner, expected, desired, SEQ, SEQ, weak))
        }

        #[doc = concat!(
            "[`", stringify!($name), "`](Self::", stringify!($name), ") with a success ",
            "order (any) and a failure order (`Relaxed`, `Acquire` or `SeqCst`, whatever ",
            "`success` is, as in C++17 and Rust 1.64; else `MemoryOrderError`)."
        )]
        ///
        $(#[doc = $edoc])+
        #[inline]
        pub fn $explicit(
            &self,
            expected: T,
            desired: T,
            success: MemoryOrder,
            failure: MemoryOrder,
        ) -> Result<CmpxchgResult<T>, Error> {
            let (s, f) = success.check_cmpxchg(failure, OpType::$op)?;
            let weak = matches!(OpType::$op, OpType::CmpxchgWeak);
            Ok(CmpxchgResult::from_result(T::cmpxchg(&self.inner, expected, desired, s, f, weak)))
        }
    )*};
}

impl<T: Value> Atomic<T> {
    /// A new atomic holding `v`. `const`, so it can initialize a `static`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// static READY: Atomic<bool> = Atomic::new(false);
    /// let x = Atomic::new(1.5f64);
    /// assert_eq!(x.load(), 1.5);
    /// # assert!(!READY.load());
    /// ```
    pub const fn new(v: T) -> Self {
        const { assert!(core::mem::size_of::<T>() == core::mem::size_of::<T::Storage>()) };
        let cast = Cast::<T, T::Storage> {
            a: ManuallyDrop::new(v),
        };
        // SAFETY: `Value` is sealed and every implementation has the size of its storage
        // (asserted above) and the same bytes in memory (`value.rs`); the storage is an
        // `UnsafeCell` of a plain integer, for which every bit pattern is valid, and `T`
        // has no padding (integers, floats, byte arrays, bool).
        let inner = ManuallyDrop::into_inner(unsafe { cast.b });
        Self {
            inner,
            _marker: PhantomData,
        }
    }

    /// Consumes the atomic and returns the value.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::Atomic::new(7u8).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        T::from_raw(self.inner.load(Ordering::Relaxed))
    }

    /// A view of a `T` in a byte buffer: `buf` must be exactly `T::WIDTH` bytes
    /// ([`SizeError`]) at an address aligned to the width ([`AlignmentError`](crate::AlignmentError)).
    /// A 16-byte view is refused with [`UnsupportedWidth`] where 16-byte atomics are not
    /// lock-free.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    ///
    /// #[repr(align(8))]
    /// struct Buf([u8; 8]);
    /// let mut buf = Buf([0; 8]);
    /// let a = Atomic::<u64>::from_mut(&mut buf.0)?;
    /// a.store(0x0102_0304_0506_0708);
    /// assert_eq!(buf.0, 0x0102_0304_0506_0708u64.to_ne_bytes());
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn from_mut(buf: &mut [u8]) -> Result<&Self, Error> {
        if buf.len() != T::WIDTH {
            return Err(SizeError {
                needed: T::WIDTH,
                got: buf.len(),
            }
            .into());
        }
        let ptr = buf.as_mut_ptr();
        check_view::<T>(ptr as usize)?;
        // SAFETY: `ptr` is valid for reads and writes of WIDTH bytes for the borrow's
        // lifetime and aligned to WIDTH (checked above); the exclusive borrow means nothing
        // else reaches the bytes while the returned reference lives, and `Atomic<T>` is a
        // transparent `UnsafeCell`-based atomic of exactly WIDTH bytes.
        Ok(unsafe { &*(ptr as *const Self) })
    }

    /// A view of a `T` at `ptr`, in memory that others (threads, processes, C code) may
    /// access atomically too. Checks alignment ([`AlignmentError`](crate::AlignmentError))
    /// and, for 16 bytes, that the width is lock-free ([`UnsupportedWidth`]).
    ///
    /// # Safety
    ///
    /// 1. `ptr` is valid for reads and writes of `T::WIDTH` bytes for all of `'a`;
    /// 2. during `'a` those bytes are accessed only through atomic operations (no plain
    ///    reads or writes, and no `&`/`&mut` references to the bytes themselves).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    ///
    /// let cell = Atomic::new(1u32);
    /// // SAFETY: `cell` outlives `view` and is only accessed atomically.
    /// let view = unsafe { Atomic::<u32>::from_ptr(cell.as_ptr())? };
    /// view.inc();
    /// assert_eq!(cell.load(), 2);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub unsafe fn from_ptr<'a>(ptr: *mut u8) -> Result<&'a Self, Error> {
        check_view::<T>(ptr as usize)?;
        // SAFETY: aligned (checked above); valid for reads and writes and accessed only
        // atomically for 'a by the caller's contract 1 and 2.
        Ok(unsafe { &*(ptr as *const Self) })
    }

    /// The lock-free storage, for the field types of `fields/` (orders of their choice).
    #[inline(always)]
    pub(crate) fn storage(&self) -> &T::Storage {
        &self.inner
    }

    /// The address of the value.
    pub const fn as_ptr(&self) -> *mut u8 {
        self as *const Self as *mut u8
    }

    /// The width in bytes (`size_of::<Atomic<T>>()`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::Atomic::<i16>::width(), 2);
    /// ```
    pub const fn width() -> usize {
        T::WIDTH
    }

    /// The kind of `T`.
    pub const fn kind() -> Kind {
        T::KIND
    }

    /// Exactly the operations this type offers.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, OpType};
    /// assert!(Atomic::<f32>::ops_supported().contains(OpType::FetchAdd));
    /// assert!(!Atomic::<f32>::ops_supported().contains(OpType::BinOr));
    /// ```
    pub const fn ops_supported() -> OpSet {
        T::KIND.ops_supported()
    }

    /// The alignment this width needs.
    pub const fn alignment() -> Alignment {
        Alignment::of_value_width(T::WIDTH)
    }

    /// Whether operations on this width are lock-free on the running CPU (always for
    /// widths up to 8; for 16 bytes, when the CPU has `cmpxchg16b`). An owned `Atomic`
    /// works either way; views into shared memory require it.
    pub fn is_lock_free() -> bool {
        T::Storage::is_lock_free()
    }

    /// Loads the value (`SeqCst`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::Atomic::new(-3i8).load(), -3);
    /// ```
    #[inline]
    pub fn load(&self) -> T {
        T::from_raw(self.inner.load(SEQ))
    }

    /// Loads the value with `order`: `Relaxed`, `Acquire` or `SeqCst`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, MemoryOrder};
    /// let a = Atomic::new(1u16);
    /// assert_eq!(a.load_explicit(MemoryOrder::Relaxed), Ok(1));
    /// assert!(a.load_explicit(MemoryOrder::AcqRel).is_err());
    /// ```
    #[inline]
    pub fn load_explicit(&self, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_load(OpType::Load)?;
        Ok(T::from_raw(self.inner.load(o)))
    }

    /// Stores `v` (`SeqCst`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atomic::new(false);
    /// a.store(true);
    /// assert!(a.load());
    /// ```
    #[inline]
    pub fn store(&self, v: T) {
        self.inner.store(v.into_raw(), SEQ)
    }

    /// Stores `v` with `order`: `Relaxed`, `Release` or `SeqCst`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, MemoryOrder};
    /// let a = Atomic::new(0u8);
    /// assert_eq!(a.store_explicit(1, MemoryOrder::Release), Ok(()));
    /// assert!(a.store_explicit(2, MemoryOrder::Acquire).is_err());
    /// assert_eq!(a.load(), 1);
    /// ```
    #[inline]
    pub fn store_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        let o = order.check_store(OpType::Store)?;
        self.inner.store(v.into_raw(), o);
        Ok(())
    }

    rmw! {
        /// Stores `v` and returns the previous value.
        fn exchange, exchange_explicit(v: T) -> T
            = |s, o| T::from_raw(s.exchange(v.into_raw(), o));
        example { init: *b"ab", arg: *b"cd", returns: *b"ab", then: *b"cd" }

        /// Replaces the value with `f(value)` in a compare-exchange loop and returns the
        /// new value (GCC's `__atomic_op_fetch` convention; Clojure's `swap!`, the name
        /// `Atom::swap` keeps). `f` may run more than once under contention, so it should
        /// be free of side effects. The `_explicit` form's loop uses the strongest failure
        /// order its order allows ([`MemoryOrder::strongest_fail_order`]).
        fn update_fetch, update_fetch_explicit(f: impl FnMut(T) -> T) -> T
            = |s, o| update(s, f, o).1;
        example { init: 3u32, arg: |v| v * v, returns: 9, then: 9 }

        /// Like [`update_fetch`](Self::update_fetch), returning the previous value, as
        /// every `fetch_*` method here does (std's `AtomicU32::update`).
        fn fetch_update, fetch_update_explicit(f: impl FnMut(T) -> T) -> T
            = |s, o| update(s, f, o).0;
        example { init: 3u32, arg: |v| v * v, returns: 3, then: 9 }

        /// Like [`update_fetch`](Self::update_fetch), returning `(old, new)` (Clojure's
        /// `swap-vals!`).
        fn update_vals, update_vals_explicit(f: impl FnMut(T) -> T) -> (T, T)
            = |s, o| update(s, f, o);
        example { init: 2.0f32, arg: |v| v / 2.0, returns: (2.0, 1.0), then: 1.0 }
    }

    cmpxchg! {
        /// Writes `desired` if the value is `expected`; may fail spuriously (use it in a
        /// loop). The result holds the value found.
        ///
        /// ```
        /// # use shm_atomics_runtime as shm_atomics;
        /// let a = shm_atomics::Atomic::new(1u64);
        /// let mut cur = a.load();
        /// loop {
        ///     let r = a.cmpxchg_weak(cur, cur * 10);
        ///     if r.success { break; }
        ///     cur = r.expected;
        /// }
        /// assert_eq!(a.load(), 10);
        /// ```
        fn cmpxchg_weak, cmpxchg_weak_explicit = CmpxchgWeak;
        explicit {
            /// ```
            /// # use shm_atomics_runtime as shm_atomics;
            /// use shm_atomics::{Atomic, MemoryOrder::*};
            /// let a = Atomic::new(1u64);
            /// let r = loop {
            ///     let r = a.cmpxchg_weak_explicit(1, 2, AcqRel, Acquire)?;
            ///     if r.success { break r; }
            /// };
            /// assert_eq!((r.expected, a.load()), (1, 2));
            /// // Any load order may fail with any success order (C++17, Rust 1.64):
            /// assert!(a.cmpxchg_weak_explicit(5, 6, Release, Acquire).is_ok());
            /// assert!(a.cmpxchg_weak_explicit(2, 3, Release, AcqRel).is_err()); // not a load order
            /// # Ok::<(), shm_atomics::Error>(())
            /// ```
        }

        /// Writes `desired` if the value is `expected`; fails only if it is not. The
        /// result holds the value found. Values compare as values: for `bool` any non-zero
        /// byte matches `true`; floats compare by bits.
        ///
        /// ```
        /// # use shm_atomics_runtime as shm_atomics;
        /// let a = shm_atomics::Atomic::new(3i32);
        /// assert!(a.cmpxchg_strong(3, 4).success);
        /// assert_eq!(a.cmpxchg_strong(3, 5).expected, 4);
        /// ```
        fn cmpxchg_strong, cmpxchg_strong_explicit = CmpxchgStrong;
        explicit {
            /// ```
            /// # use shm_atomics_runtime as shm_atomics;
            /// use shm_atomics::{Atomic, MemoryOrder::*};
            /// let a = Atomic::new(3i32);
            /// assert!(a.cmpxchg_strong_explicit(3, 4, AcqRel, Acquire)?.success);
            /// assert!(!a.cmpxchg_strong_explicit(3, 5, Relaxed, SeqCst)?.success); // found 4
            /// assert!(a.cmpxchg_strong_explicit(4, 5, Relaxed, Release).is_err());
            /// # Ok::<(), shm_atomics::Error>(())
            /// ```
        }
    }
}

/// The compare-exchange loop of the update family: replaces the value with `f(value)`
/// using success order `o` and the strongest failure order `o` allows; `(old, new)`.
#[inline]
fn update<T: Value>(s: &T::Storage, mut f: impl FnMut(T) -> T, o: Ordering) -> (T, T) {
    let fail = MemoryOrder::of_ordering(o)
        .strongest_fail_order()
        .ordering();
    let mut raw = s.load(fail);
    loop {
        let old = T::from_raw(raw);
        let new = f(old);
        match s.cmpxchg_weak(raw, new.into_raw(), o, fail) {
            Ok(_) => return (old, new),
            Err(now) => raw = now,
        }
    }
}

impl<T: Value> Default for Atomic<T> {
    /// All bytes zero.
    fn default() -> Self {
        Self::new(T::ZERO)
    }
}

impl<T: Value> From<T> for Atomic<T> {
    fn from(v: T) -> Self {
        Self::new(v)
    }
}

impl<T: Value> fmt::Debug for Atomic<T> {
    /// The value, loaded with `Relaxed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&T::from_raw(self.inner.load(Ordering::Relaxed)), f)
    }
}
