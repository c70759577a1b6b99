//! [`Region`]: memory shared with others (threads, processes, C code), borrowed for a
//! lifetime, with checked views of atomics in it; [`ReadOnly`]: a load-only view.

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::cell::atomic::{Atomic, require_lock_free};
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::MemoryOrder;
use crate::cell::value::{Bitwise, RawInt, RawOf, Storage, Value, storage_bit};
use crate::error::{
    AlignmentError, Error, SizeError, UnsupportedOperation, UnsupportedWidth, WidthReason,
};

/// A span of memory that others may access atomically at the same time: a pointer, a
/// length, a lifetime and a read-only flag.
///
/// Views taken from a region (`atomic_at`, `read_at`, `subregion`, and `view` for
/// layouts) carry the region's lifetime `'a`, so the borrow checker proves none of them
/// outlives the memory. The region never creates a `&[u8]` or `&mut [u8]` to its bytes:
/// it reaches them only through atomic operations on raw pointers, which is what memory
/// written by other processes requires.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::Region;
///
/// #[repr(C, align(16))]
/// struct Buf([u8; 32]);
/// let mut buf = Buf([0; 32]);
/// let region = Region::new(&mut buf.0);
/// let counter = region.atomic_at::<u64>(8)?;
/// counter.add(5);
/// assert_eq!(region.read_at::<u64>(8)?.load(), 5);
/// assert!(region.atomic_at::<u64>(4).is_err()); // misaligned
/// assert!(region.atomic_at::<u64>(32).is_err()); // out of bounds
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Region<'a> {
    ptr: NonNull<u8>,
    len: usize,
    readonly: bool,
    _borrow: PhantomData<&'a core::cell::UnsafeCell<[u8]>>,
}

// SAFETY: a Region only hands out atomic views of its bytes; atomics may be used from any
// thread, and the memory is valid for 'a wherever the Region goes.
unsafe impl Send for Region<'_> {}
// SAFETY: as for Send: shared use performs only atomic operations.
unsafe impl Sync for Region<'_> {}

impl<'a> Region<'a> {
    /// A writable region over a buffer this code borrows exclusively for `'a`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let mut buf = [0u8; 4];
    /// let r = shm_atomics::Region::new(&mut buf);
    /// assert_eq!(r.len(), 4);
    /// assert!(!r.is_readonly());
    /// ```
    pub fn new(buf: &'a mut [u8]) -> Self {
        let len = buf.len();
        Self {
            ptr: NonNull::from(buf).cast(),
            len,
            readonly: false,
            _borrow: PhantomData,
        }
    }

    /// A read-only region over a shared buffer: only loads (`read_at`) are offered, so
    /// bytes Rust believes immutable are never written.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let buf = 7u32.to_ne_bytes();
    /// # #[repr(align(4))] struct A([u8; 4]);
    /// # let buf = A(buf);
    /// let r = shm_atomics::Region::from_ref(&buf.0);
    /// assert_eq!(r.read_at::<u32>(0)?.load(), 7);
    /// assert!(r.atomic_at::<u32>(0).is_err()); // writable view refused
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn from_ref(buf: &'a [u8]) -> Self {
        let len = buf.len();
        Self {
            ptr: NonNull::from(buf).cast(),
            len,
            readonly: true,
            _borrow: PhantomData,
        }
    }

    /// A writable region over raw memory, e.g. a shared mapping.
    ///
    /// # Safety
    ///
    /// 1. `ptr` is non-null and valid for reads and writes of `len` bytes for all of `'a`;
    /// 2. during `'a` the bytes are accessed only through atomic operations, by this
    ///    process and every other (no plain reads or writes, no `&[u8]`/`&mut [u8]`).
    pub unsafe fn from_raw_parts(ptr: *mut u8, len: usize) -> Self {
        Self {
            // SAFETY: non-null by contract 1.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            len,
            readonly: false,
            _borrow: PhantomData,
        }
    }

    /// A read-only region over raw memory, e.g. a `PROT_READ` mapping: only loads are
    /// offered, and only loads that never write (see [`Region::read_at`]).
    ///
    /// # Safety
    ///
    /// 1. `ptr` is non-null and valid for reads of `len` bytes for all of `'a`;
    /// 2. during `'a` the bytes are written, if at all, only through atomic operations.
    pub unsafe fn from_raw_parts_readonly(ptr: *const u8, len: usize) -> Self {
        Self {
            // SAFETY: non-null by contract 1.
            ptr: unsafe { NonNull::new_unchecked(ptr as *mut u8) },
            len,
            readonly: true,
            _borrow: PhantomData,
        }
    }

    /// The length in bytes.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the region has no bytes.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the region offers only loads.
    pub const fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// The address of the first byte.
    pub const fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// This region as read-only (e.g. to hand to code that must not write).
    pub const fn to_readonly(self) -> Region<'a> {
        Region {
            readonly: true,
            ..self
        }
    }

    /// The `len` bytes at `offset`, with the same lifetime and read-only flag; a
    /// [`SizeError`] if they are not all inside this region.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let mut buf = [0u8; 16];
    /// let r = shm_atomics::Region::new(&mut buf);
    /// assert_eq!(r.subregion(4, 8)?.len(), 8);
    /// assert!(r.subregion(12, 8).is_err());
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn subregion(&self, offset: usize, len: usize) -> Result<Region<'a>, Error> {
        let end = offset.checked_add(len).ok_or(SizeError {
            needed: usize::MAX,
            got: self.len,
        })?;
        if end > self.len {
            return Err(SizeError {
                needed: end,
                got: self.len,
            }
            .into());
        }
        Ok(Region {
            // SAFETY: offset <= end <= len, so the pointer stays inside (or one past) the
            // region's memory, which is one allocation or mapping.
            ptr: unsafe { self.ptr.add(offset) },
            len,
            readonly: self.readonly,
            _borrow: PhantomData,
        })
    }

    /// Checks bounds and alignment of a `width`-byte item at `offset` and returns its
    /// address.
    pub(crate) fn checked_ptr(
        &self,
        offset: usize,
        width: usize,
        align: usize,
    ) -> Result<*mut u8, Error> {
        let sub = self.subregion(offset, width)?;
        let addr = sub.ptr.as_ptr() as usize;
        if addr % align != 0 {
            return Err(AlignmentError {
                addr,
                required: align,
                width,
            }
            .into());
        }
        Ok(sub.ptr.as_ptr())
    }

    /// A writable view of the `T` at `offset`. Errors: [`SizeError`] out of bounds,
    /// [`AlignmentError`] if misaligned, [`UnsupportedOperation`] on a read-only region,
    /// [`UnsupportedWidth`] for 16 bytes where they are not lock-free.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// #[repr(align(8))]
    /// struct Buf([u8; 16]);
    /// let mut buf = Buf([0; 16]);
    /// let r = shm_atomics::Region::new(&mut buf.0);
    /// let flag = r.atomic_at::<bool>(3)?;
    /// flag.store(true);
    /// assert!(r.read_at::<bool>(3)?.load());
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn atomic_at<T: Value>(&self, offset: usize) -> Result<&'a Atomic<T>, Error> {
        if self.readonly {
            return Err(UnsupportedOperation {
                op: OpType::Store,
                kind: T::KIND,
                readonly: true,
            }
            .into());
        }
        let ptr = self.checked_ptr(offset, T::WIDTH, T::WIDTH)?;
        // SAFETY: in bounds and aligned (checked above); valid for reads and writes and
        // accessed only atomically for 'a by the region's constructor contract (or the
        // exclusive borrow of `new`). `from_ptr` checks lock-freedom.
        unsafe { Atomic::<T>::from_ptr(ptr) }
    }

    /// A load-only view of the `T` at `offset`, on a writable or read-only region.
    ///
    /// Its loads never write memory: widths up to 8 bytes are plain loads; a 16-byte
    /// load is write-free only on x86_64 with AVX (`vmovdqa`), so elsewhere a 16-byte
    /// read-only view is refused with [`UnsupportedWidth`] rather than faulting on a
    /// read-only mapping.
    pub fn read_at<T: Value>(&self, offset: usize) -> Result<ReadOnly<'a, T>, Error> {
        let ptr = self.checked_ptr(offset, T::WIDTH, T::WIDTH)?;
        require_lock_free::<T>()?;
        if !T::Storage::has_write_free_load() {
            return Err(UnsupportedWidth {
                width: T::WIDTH,
                reason: WidthReason::NoWriteFreeLoad,
            }
            .into());
        }
        Ok(ReadOnly {
            // SAFETY: `checked_ptr` returns a pointer inside the region, never null.
            ptr: unsafe { NonNull::new_unchecked(ptr.cast()) },
            _borrow: PhantomData,
        })
    }
}

impl fmt::Debug for Region<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Region")
            .field("ptr", &self.ptr)
            .field("len", &self.len)
            .field("readonly", &self.readonly)
            .finish()
    }
}

impl<'a> From<&'a mut [u8]> for Region<'a> {
    fn from(buf: &'a mut [u8]) -> Self {
        Region::new(buf)
    }
}

impl<'a> From<&'a [u8]> for Region<'a> {
    fn from(buf: &'a [u8]) -> Self {
        Region::from_ref(buf)
    }
}

/// A load-only view of a `T` in a [`Region`]: `load` and (for bitwise kinds) `bit_test`,
/// with loads that never write memory. Obtained from [`Region::read_at`].
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// let buf = [1u8, 0];
/// # #[repr(align(2))] struct A([u8; 2]);
/// # let buf = A(buf);
/// let r = shm_atomics::Region::from_ref(&buf.0);
/// let v = r.read_at::<[u8; 2]>(0)?;
/// assert_eq!(v.load(), [1, 0]);
/// assert_eq!(v.bit_test(0), Ok(true));
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub struct ReadOnly<'a, T: Value> {
    ptr: NonNull<RawOf<T>>,
    _borrow: PhantomData<&'a T>,
}

impl<T: Value> Clone for ReadOnly<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Value> Copy for ReadOnly<'_, T> {}

// SAFETY: the view only performs atomic loads of memory valid for 'a.
unsafe impl<T: Value> Send for ReadOnly<'_, T> {}
// SAFETY: as for Send.
unsafe impl<T: Value> Sync for ReadOnly<'_, T> {}

impl<T: Value> ReadOnly<'_, T> {
    /// The operations offered: `load`, plus `bit_test` for bitwise kinds.
    pub const fn ops_supported() -> OpSet {
        T::KIND.ops_supported().intersection(OpSet::READ_ONLY)
    }

    /// Loads the value (`SeqCst`).
    #[inline]
    pub fn load(&self) -> T {
        T::from_raw(self.raw(core::sync::atomic::Ordering::SeqCst))
    }

    /// Loads the value with `Relaxed`, `Acquire` or `SeqCst`.
    #[inline]
    pub fn load_explicit(&self, order: MemoryOrder) -> Result<T, Error> {
        let o = order.check_load(OpType::Load)?;
        Ok(T::from_raw(self.raw(o)))
    }

    /// The address of the value.
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr().cast()
    }

    #[inline]
    pub(crate) fn raw(&self, o: core::sync::atomic::Ordering) -> RawOf<T> {
        // SAFETY: `read_at` checked alignment and bounds (valid for reads for 'a by the
        // region's contract), the memory is written only atomically, and it checked
        // `has_write_free_load()`.
        unsafe { T::Storage::load_readonly(self.ptr.as_ptr(), o) }
    }
}

impl<T: Bitwise> ReadOnly<'_, T> {
    /// Reads bit `bit` (bit `bit % 8` of byte `bit / 8`).
    pub fn bit_test(&self, bit: u32) -> Result<bool, Error> {
        self.bit_test_explicit(bit, MemoryOrder::SeqCst)
    }

    /// [`bit_test`](Self::bit_test) with `Relaxed`, `Acquire` or `SeqCst`.
    pub fn bit_test_explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
        let o = order.check_load(OpType::BitTest)?;
        if bit as usize >= T::WIDTH * 8 {
            return Err(crate::error::BitIndexError {
                bit,
                width: T::WIDTH,
            }
            .into());
        }
        Ok((self.raw(o).to_u128() >> storage_bit(bit, T::WIDTH)) & 1 == 1)
    }
}

impl<T: Value> fmt::Debug for ReadOnly<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(
            &T::from_raw(self.raw(core::sync::atomic::Ordering::Relaxed)),
            f,
        )
    }
}
