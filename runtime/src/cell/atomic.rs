//! [`Atomic<T>`]: the one atomic cell type, with its operations grouped by capability.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::sync::atomic::Ordering;

use crate::cell::align::Alignment;
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::{MemoryOrder, fail_of};
use crate::cell::value::{Arithmetic, Bitwise, Integer, Kind, RawInt, Storage, Value, storage_bit};
use crate::error::{BitIndexError, Error, SizeError, UnsupportedWidth, WidthReason};

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
/// [`Bitwise`] values (integers, bytes, bool) add `bit_*` and `bin_*`; [`Arithmetic`]
/// values add `add`/`sub`/`neg` and their fetch forms (wrapping for integers, IEEE for
/// floats); [`Integer`] values add `inc`/`dec`. What a type offers is
/// listed by [`Atomic::ops_supported`]. Methods without an order use `SeqCst` and cannot
/// fail; each has an `_explicit` form taking a [`MemoryOrder`] that is validated first.
///
/// ```
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
    inner: T::Storage,
    _marker: PhantomData<T>,
}

/// The result of a compare-exchange: whether it succeeded, and the value found (equal to
/// the expected value on success).
///
/// ```
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
    if !T::Storage::is_lock_free() {
        return Err(UnsupportedWidth {
            width: T::WIDTH,
            reason: WidthReason::NotLockFree,
        }
        .into());
    }
    Ok(())
}

impl<T: Value> Atomic<T> {
    /// A new atomic holding `v`. `const`, so it can initialize a `static`.
    ///
    /// ```
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

    /// The address of the value.
    pub const fn as_ptr(&self) -> *mut u8 {
        self as *const Self as *mut u8
    }

    /// The width in bytes (`size_of::<Atomic<T>>()`).
    ///
    /// ```
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
    /// assert_eq!(shm_atomics::Atomic::new(-3i8).load(), -3);
    /// ```
    #[inline]
    pub fn load(&self) -> T {
        T::from_raw(self.inner.load(SEQ))
    }

    /// Loads the value with `order`: `Relaxed`, `Acquire` or `SeqCst`.
    ///
    /// ```
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
    /// let a = shm_atomics::Atomic::new(false);
    /// a.store(true);
    /// assert!(a.load());
    /// ```
    #[inline]
    pub fn store(&self, v: T) {
        self.inner.store(v.into_raw(), SEQ)
    }

    /// Stores `v` with `order`: `Relaxed`, `Release` or `SeqCst`.
    #[inline]
    pub fn store_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        let o = order.check_store(OpType::Store)?;
        self.inner.store(v.into_raw(), o);
        Ok(())
    }

    /// Stores `v` and returns the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(*b"ab");
    /// assert_eq!(a.exchange(*b"cd"), *b"ab");
    /// ```
    #[inline]
    pub fn exchange(&self, v: T) -> T {
        T::from_raw(self.inner.swap(v.into_raw(), SEQ))
    }

    /// [`exchange`](Self::exchange) with any order.
    #[inline]
    pub fn exchange_explicit(&self, v: T, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::Exchange)?;
        Ok(T::from_raw(self.inner.swap(v.into_raw(), o)))
    }

    /// Writes `desired` if the value is `expected`; may fail spuriously (use it in a
    /// loop). The result holds the value found.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(1u64);
    /// let mut cur = a.load();
    /// loop {
    ///     let r = a.cmpxchg_weak(cur, cur * 10);
    ///     if r.success { break; }
    ///     cur = r.expected;
    /// }
    /// assert_eq!(a.load(), 10);
    /// ```
    #[inline]
    pub fn cmpxchg_weak(&self, expected: T, desired: T) -> CmpxchgResult<T> {
        CmpxchgResult::from_result(T::cmpxchg(&self.inner, expected, desired, SEQ, SEQ, true))
    }

    /// [`cmpxchg_weak`](Self::cmpxchg_weak) with a success order (any) and a failure order
    /// (`Relaxed`, `Acquire` or `SeqCst`, not stronger than `success`).
    #[inline]
    pub fn cmpxchg_weak_explicit(
        &self,
        expected: T,
        desired: T,
        success: MemoryOrder,
        failure: MemoryOrder,
    ) -> Result<CmpxchgResult<T>, Error> {
        let (s, f) = success.check_cmpxchg(failure, OpType::CmpxchgWeak)?;
        Ok(CmpxchgResult::from_result(T::cmpxchg(
            &self.inner,
            expected,
            desired,
            s,
            f,
            true,
        )))
    }

    /// Writes `desired` if the value is `expected`; fails only if it is not. The result
    /// holds the value found. Values compare as values: for `bool` any non-zero byte
    /// matches `true`; floats compare by bits.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(3i32);
    /// assert!(a.cmpxchg_strong(3, 4).success);
    /// assert_eq!(a.cmpxchg_strong(3, 5).expected, 4);
    /// ```
    #[inline]
    pub fn cmpxchg_strong(&self, expected: T, desired: T) -> CmpxchgResult<T> {
        CmpxchgResult::from_result(T::cmpxchg(&self.inner, expected, desired, SEQ, SEQ, false))
    }

    /// [`cmpxchg_strong`](Self::cmpxchg_strong) with a success order (any) and a failure
    /// order (`Relaxed`, `Acquire` or `SeqCst`, not stronger than `success`).
    #[inline]
    pub fn cmpxchg_strong_explicit(
        &self,
        expected: T,
        desired: T,
        success: MemoryOrder,
        failure: MemoryOrder,
    ) -> Result<CmpxchgResult<T>, Error> {
        let (s, f) = success.check_cmpxchg(failure, OpType::CmpxchgStrong)?;
        Ok(CmpxchgResult::from_result(T::cmpxchg(
            &self.inner,
            expected,
            desired,
            s,
            f,
            false,
        )))
    }

    /// Replaces the value with `f(value)` in a compare-exchange loop and returns the new
    /// value (Clojure's `swap!`). `f` may run more than once under contention, so it
    /// should be free of side effects.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(3u32);
    /// assert_eq!(a.swap(|v| v * v), 9);
    /// ```
    #[inline]
    pub fn swap<F: FnMut(T) -> T>(&self, f: F) -> T {
        self.update(f, SEQ).1
    }

    /// [`swap`](Self::swap) with any order (the loop's failure order is the strongest
    /// `order` allows).
    #[inline]
    pub fn swap_explicit<F: FnMut(T) -> T>(&self, f: F, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::Swap)?;
        Ok(self.update(f, o).1)
    }

    /// Like [`swap`](Self::swap), returning `(old, new)`.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(2.0f32);
    /// assert_eq!(a.swap_vals(|v| v / 2.0), (2.0, 1.0));
    /// ```
    #[inline]
    pub fn swap_vals<F: FnMut(T) -> T>(&self, f: F) -> (T, T) {
        self.update(f, SEQ)
    }

    /// [`swap_vals`](Self::swap_vals) with any order.
    #[inline]
    pub fn swap_vals_explicit<F: FnMut(T) -> T>(
        &self,
        f: F,
        order: MemoryOrder,
    ) -> Result<(T, T), Error> {
        let o = order.check_rmw(OpType::SwapVals)?;
        Ok(self.update(f, o))
    }

    #[inline]
    fn update<F: FnMut(T) -> T>(&self, mut f: F, o: Ordering) -> (T, T) {
        let fail = fail_of(o);
        let mut raw = self.inner.load(fail);
        loop {
            let old = T::from_raw(raw);
            let new = f(old);
            match self.inner.cas_weak(raw, new.into_raw(), o, fail) {
                Ok(_) => return (old, new),
                Err(now) => raw = now,
            }
        }
    }
}

impl<T: Bitwise> Atomic<T> {
    #[inline]
    fn bit_index(bit: u32) -> Result<u32, Error> {
        if (bit as usize) < T::WIDTH * 8 {
            Ok(storage_bit(bit, T::WIDTH))
        } else {
            Err(BitIndexError {
                bit,
                width: T::WIDTH,
            }
            .into())
        }
    }

    /// Reads bit `bit` (bit `bit % 8` of byte `bit / 8` in memory); `BitIndexError` if
    /// `bit >= 8 * width`.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new([0b0000_0100u8, 0]);
    /// assert_eq!(a.bit_test(2), Ok(true));
    /// assert!(a.bit_test(16).is_err());
    /// ```
    #[inline]
    pub fn bit_test(&self, bit: u32) -> Result<bool, Error> {
        self.bit_test_explicit(bit, MemoryOrder::SeqCst)
    }

    /// [`bit_test`](Self::bit_test) with `Relaxed`, `Acquire` or `SeqCst`.
    #[inline]
    pub fn bit_test_explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
        let o = order.check_load(OpType::BitTest)?;
        let b = Self::bit_index(bit)?;
        Ok((self.inner.load(o).to_u128() >> b) & 1 == 1)
    }

    /// Sets bit `bit` and returns its previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0u8);
    /// assert_eq!(a.bit_set(7), Ok(false));
    /// assert_eq!(a.load(), 0x80);
    /// ```
    #[inline]
    pub fn bit_set(&self, bit: u32) -> Result<bool, Error> {
        self.bit_set_explicit(bit, MemoryOrder::SeqCst)
    }

    /// [`bit_set`](Self::bit_set) with any order.
    #[inline]
    pub fn bit_set_explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
        let o = order.check_rmw(OpType::BitSet)?;
        Ok(self.inner.bit_set(Self::bit_index(bit)?, o))
    }

    /// Clears bit `bit` and returns its previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0xffu8);
    /// assert_eq!(a.bit_reset(0), Ok(true));
    /// assert_eq!(a.load(), 0xfe);
    /// ```
    #[inline]
    pub fn bit_reset(&self, bit: u32) -> Result<bool, Error> {
        self.bit_reset_explicit(bit, MemoryOrder::SeqCst)
    }

    /// [`bit_reset`](Self::bit_reset) with any order.
    #[inline]
    pub fn bit_reset_explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
        let o = order.check_rmw(OpType::BitReset)?;
        Ok(self.inner.bit_clear(Self::bit_index(bit)?, o))
    }

    /// Flips bit `bit` and returns its previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0i32);
    /// assert_eq!(a.bit_compl(31), Ok(false));
    /// assert_eq!(a.load(), i32::MIN);
    /// ```
    #[inline]
    pub fn bit_compl(&self, bit: u32) -> Result<bool, Error> {
        self.bit_compl_explicit(bit, MemoryOrder::SeqCst)
    }

    /// [`bit_compl`](Self::bit_compl) with any order.
    #[inline]
    pub fn bit_compl_explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
        let o = order.check_rmw(OpType::BitCompl)?;
        Ok(self.inner.bit_toggle(Self::bit_index(bit)?, o))
    }

    /// Bitwise or with `v`.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0b01u8);
    /// a.bin_or(0b10);
    /// assert_eq!(a.load(), 0b11);
    /// ```
    #[inline]
    pub fn bin_or(&self, v: T) {
        T::or(&self.inner, v, SEQ)
    }

    /// [`bin_or`](Self::bin_or) with any order.
    #[inline]
    pub fn bin_or_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        T::or(&self.inner, v, order.check_rmw(OpType::BinOr)?);
        Ok(())
    }

    /// Bitwise xor with `v`.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new([0xffu8; 2]);
    /// a.bin_xor([0x0f, 0xf0]);
    /// assert_eq!(a.load(), [0xf0, 0x0f]);
    /// ```
    #[inline]
    pub fn bin_xor(&self, v: T) {
        T::xor(&self.inner, v, SEQ)
    }

    /// [`bin_xor`](Self::bin_xor) with any order.
    #[inline]
    pub fn bin_xor_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        T::xor(&self.inner, v, order.check_rmw(OpType::BinXor)?);
        Ok(())
    }

    /// Bitwise and with `v`.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0b1100u16);
    /// a.bin_and(0b0110);
    /// assert_eq!(a.load(), 0b0100);
    /// ```
    #[inline]
    pub fn bin_and(&self, v: T) {
        T::and(&self.inner, v, SEQ)
    }

    /// [`bin_and`](Self::bin_and) with any order.
    #[inline]
    pub fn bin_and_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        T::and(&self.inner, v, order.check_rmw(OpType::BinAnd)?);
        Ok(())
    }

    /// Bitwise not (logical not for `bool`).
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0u8);
    /// a.bin_not();
    /// assert_eq!(a.load(), 0xff);
    /// ```
    #[inline]
    pub fn bin_not(&self) {
        T::not(&self.inner, SEQ)
    }

    /// [`bin_not`](Self::bin_not) with any order.
    #[inline]
    pub fn bin_not_explicit(&self, order: MemoryOrder) -> Result<(), Error> {
        T::not(&self.inner, order.check_rmw(OpType::BinNot)?);
        Ok(())
    }

    /// Bitwise or with `v`, returning the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(1u32);
    /// assert_eq!(a.bin_fetch_or(2), 1);
    /// assert_eq!(a.load(), 3);
    /// ```
    #[inline]
    pub fn bin_fetch_or(&self, v: T) -> T {
        T::fetch_or(&self.inner, v, SEQ)
    }

    /// [`bin_fetch_or`](Self::bin_fetch_or) with any order.
    #[inline]
    pub fn bin_fetch_or_explicit(&self, v: T, order: MemoryOrder) -> Result<T, Error> {
        Ok(T::fetch_or(
            &self.inner,
            v,
            order.check_rmw(OpType::BinFetchOr)?,
        ))
    }

    /// Bitwise xor with `v`, returning the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(true);
    /// assert!(a.bin_fetch_xor(true));
    /// assert!(!a.load());
    /// ```
    #[inline]
    pub fn bin_fetch_xor(&self, v: T) -> T {
        T::fetch_xor(&self.inner, v, SEQ)
    }

    /// [`bin_fetch_xor`](Self::bin_fetch_xor) with any order.
    #[inline]
    pub fn bin_fetch_xor_explicit(&self, v: T, order: MemoryOrder) -> Result<T, Error> {
        Ok(T::fetch_xor(
            &self.inner,
            v,
            order.check_rmw(OpType::BinFetchXor)?,
        ))
    }

    /// Bitwise and with `v`, returning the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0b11i8);
    /// assert_eq!(a.bin_fetch_and(0b10), 0b11);
    /// assert_eq!(a.load(), 0b10);
    /// ```
    #[inline]
    pub fn bin_fetch_and(&self, v: T) -> T {
        T::fetch_and(&self.inner, v, SEQ)
    }

    /// [`bin_fetch_and`](Self::bin_fetch_and) with any order.
    #[inline]
    pub fn bin_fetch_and_explicit(&self, v: T, order: MemoryOrder) -> Result<T, Error> {
        Ok(T::fetch_and(
            &self.inner,
            v,
            order.check_rmw(OpType::BinFetchAnd)?,
        ))
    }

    /// Bitwise not, returning the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0x0fu8);
    /// assert_eq!(a.bin_fetch_not(), 0x0f);
    /// assert_eq!(a.load(), 0xf0);
    /// ```
    #[inline]
    pub fn bin_fetch_not(&self) -> T {
        T::fetch_not(&self.inner, SEQ)
    }

    /// [`bin_fetch_not`](Self::bin_fetch_not) with any order.
    #[inline]
    pub fn bin_fetch_not_explicit(&self, order: MemoryOrder) -> Result<T, Error> {
        Ok(T::fetch_not(
            &self.inner,
            order.check_rmw(OpType::BinFetchNot)?,
        ))
    }
}

/// Arithmetic: wrapping for integers, IEEE (compare-exchange loops) for floats.
impl<T: Arithmetic> Atomic<T> {
    /// Adds `v`, wrapping on overflow.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(u8::MAX);
    /// a.add(2);
    /// assert_eq!(a.load(), 1);
    /// ```
    #[inline]
    pub fn add(&self, v: T) {
        T::add(&self.inner, v, SEQ)
    }

    /// [`add`](Self::add) with any order.
    #[inline]
    pub fn add_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        T::add(&self.inner, v, order.check_rmw(OpType::Add)?);
        Ok(())
    }

    /// Subtracts `v`, wrapping on overflow.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(i16::MIN);
    /// a.sub(1);
    /// assert_eq!(a.load(), i16::MAX);
    /// ```
    #[inline]
    pub fn sub(&self, v: T) {
        T::sub(&self.inner, v, SEQ)
    }

    /// [`sub`](Self::sub) with any order.
    #[inline]
    pub fn sub_explicit(&self, v: T, order: MemoryOrder) -> Result<(), Error> {
        T::sub(&self.inner, v, order.check_rmw(OpType::Sub)?);
        Ok(())
    }

    /// Negates, wrapping (`MIN` stays `MIN`; unsigned values become `0 - v`).
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(5i64);
    /// a.neg();
    /// assert_eq!(a.load(), -5);
    /// ```
    #[inline]
    pub fn neg(&self) {
        T::neg(&self.inner, SEQ)
    }

    /// [`neg`](Self::neg) with any order.
    #[inline]
    pub fn neg_explicit(&self, order: MemoryOrder) -> Result<(), Error> {
        T::neg(&self.inner, order.check_rmw(OpType::Neg)?);
        Ok(())
    }

    /// Adds `v`, wrapping, and returns the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(1u64);
    /// assert_eq!(a.fetch_add(1), 1);
    /// assert_eq!(a.load(), 2);
    /// ```
    #[inline]
    pub fn fetch_add(&self, v: T) -> T {
        T::fetch_add(&self.inner, v, SEQ)
    }

    /// [`fetch_add`](Self::fetch_add) with any order.
    #[inline]
    pub fn fetch_add_explicit(&self, v: T, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::FetchAdd)?;
        Ok(T::fetch_add(&self.inner, v, o))
    }

    /// Subtracts `v`, wrapping, and returns the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0i8);
    /// assert_eq!(a.fetch_sub(1), 0);
    /// assert_eq!(a.load(), -1);
    /// ```
    #[inline]
    pub fn fetch_sub(&self, v: T) -> T {
        T::fetch_sub(&self.inner, v, SEQ)
    }

    /// [`fetch_sub`](Self::fetch_sub) with any order.
    #[inline]
    pub fn fetch_sub_explicit(&self, v: T, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::FetchSub)?;
        Ok(T::fetch_sub(&self.inner, v, o))
    }

    /// Negates, wrapping, and returns the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(1u8);
    /// assert_eq!(a.fetch_neg(), 1);
    /// assert_eq!(a.load(), 255);
    /// ```
    #[inline]
    pub fn fetch_neg(&self) -> T {
        T::fetch_neg(&self.inner, SEQ)
    }

    /// [`fetch_neg`](Self::fetch_neg) with any order.
    #[inline]
    pub fn fetch_neg_explicit(&self, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::FetchNeg)?;
        Ok(T::fetch_neg(&self.inner, o))
    }
}

/// Integer-only steps of one.
impl<T: Integer> Atomic<T> {
    /// Adds one, wrapping.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(41u128);
    /// a.inc();
    /// assert_eq!(a.load(), 42);
    /// ```
    #[inline]
    pub fn inc(&self) {
        self.inner.add(T::ONE.into_raw(), SEQ)
    }

    /// [`inc`](Self::inc) with any order.
    #[inline]
    pub fn inc_explicit(&self, order: MemoryOrder) -> Result<(), Error> {
        self.inner
            .add(T::ONE.into_raw(), order.check_rmw(OpType::Inc)?);
        Ok(())
    }

    /// Subtracts one, wrapping.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(0u32);
    /// a.dec();
    /// assert_eq!(a.load(), u32::MAX);
    /// ```
    #[inline]
    pub fn dec(&self) {
        self.inner.sub(T::ONE.into_raw(), SEQ)
    }

    /// [`dec`](Self::dec) with any order.
    #[inline]
    pub fn dec_explicit(&self, order: MemoryOrder) -> Result<(), Error> {
        self.inner
            .sub(T::ONE.into_raw(), order.check_rmw(OpType::Dec)?);
        Ok(())
    }

    /// Adds one, wrapping, and returns the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(9u16);
    /// assert_eq!(a.fetch_inc(), 9);
    /// ```
    #[inline]
    pub fn fetch_inc(&self) -> T {
        T::from_raw(self.inner.fetch_add(T::ONE.into_raw(), SEQ))
    }

    /// [`fetch_inc`](Self::fetch_inc) with any order.
    #[inline]
    pub fn fetch_inc_explicit(&self, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::FetchInc)?;
        Ok(T::from_raw(self.inner.fetch_add(T::ONE.into_raw(), o)))
    }

    /// Subtracts one, wrapping, and returns the previous value.
    ///
    /// ```
    /// let a = shm_atomics::Atomic::new(9i32);
    /// assert_eq!(a.fetch_dec(), 9);
    /// assert_eq!(a.load(), 8);
    /// ```
    #[inline]
    pub fn fetch_dec(&self) -> T {
        T::from_raw(self.inner.fetch_sub(T::ONE.into_raw(), SEQ))
    }

    /// [`fetch_dec`](Self::fetch_dec) with any order.
    #[inline]
    pub fn fetch_dec_explicit(&self, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_rmw(OpType::FetchDec)?;
        Ok(T::from_raw(self.inner.fetch_sub(T::ONE.into_raw(), o)))
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
