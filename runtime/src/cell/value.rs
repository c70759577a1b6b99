//! The sealed [`Value`] trait: each value type, its lock-free storage and its width, and
//! the capability traits ([`Bitwise`], [`Integer`], [`Float`]) that decide which
//! operations [`Atomic<T>`](crate::Atomic) offers.
//!
//! Storage is always portable-atomic's unsigned atomic of the same width, so the bytes
//! in memory are exactly the bytes of the value (an `i32` is its two's complement bits, a
//! `[u8; N]` is the native-endian integer of those bytes, a float its IEEE bits, a `bool`
//! one byte). Every bit pattern of the storage is a valid value: another process or C
//! code may write any bytes.

use core::fmt;
use core::sync::atomic::Ordering;

use crate::cell::ops::OpSet;
use crate::cell::order::MemoryOrder;

/// The kind of a value: what operations it offers and how its bytes read.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Kind};
/// assert_eq!(Atomic::<i16>::kind(), Kind::Int);
/// assert_eq!(Atomic::<[u8; 2]>::kind(), Kind::Bytes);
/// assert_eq!(Kind::Float.to_string(), "float");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// Signed integer (`i8` .. `i128`).
    Int = 0,
    /// Unsigned integer (`u8` .. `u128`).
    Uint = 1,
    /// Raw bytes (`[u8; N]`): bitwise operations, no arithmetic.
    Bytes = 2,
    /// `bool`, one byte; any non-zero byte reads `true`.
    Bool = 3,
    /// IEEE float (`f32`, `f64`): arithmetic by compare-exchange loops, no bit operations.
    Float = 4,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] = [Kind::Int, Kind::Uint, Kind::Bytes, Kind::Bool, Kind::Float];

    /// The operations a value of this kind offers.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Kind, OpType};
    /// assert!(Kind::Float.ops_supported().contains(OpType::FetchAdd));
    /// assert!(!Kind::Float.ops_supported().contains(OpType::BitSet));
    /// ```
    pub const fn ops_supported(self) -> OpSet {
        match self {
            Kind::Int | Kind::Uint => OpSet::BASE.union(OpSet::BITWISE).union(OpSet::ARITHMETIC),
            Kind::Bytes | Kind::Bool => OpSet::BASE.union(OpSet::BITWISE),
            Kind::Float => OpSet::BASE.union(OpSet::FLOAT_ARITHMETIC),
        }
    }

    /// The lower-case name: `int`, `uint`, `bytes`, `bool`, `float`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Uint => "uint",
            Kind::Bytes => "bytes",
            Kind::Bool => "bool",
            Kind::Float => "float",
        }
    }

    /// The kind with this name.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert_eq!(shm_atomics::Kind::from_name("uint"), Some(shm_atomics::Kind::Uint));
    /// ```
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind of a raw discriminant (as stored in segment descriptors).
    pub const fn from_u8(v: u8) -> Option<Kind> {
        match v {
            0 => Some(Kind::Int),
            1 => Some(Kind::Uint),
            2 => Some(Kind::Bytes),
            3 => Some(Kind::Bool),
            4 => Some(Kind::Float),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The Rust value type of a kind and a width in bytes, displayed without allocating:
/// `i32`, `u128`, `bool`, `f64`, `[u8; 16]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeName(pub(crate) Kind, pub(crate) usize);

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let TypeName(kind, width) = *self;
        match kind {
            Kind::Int => write!(f, "i{}", width * 8),
            Kind::Uint => write!(f, "u{}", width * 8),
            Kind::Float => write!(f, "f{}", width * 8),
            Kind::Bool => f.write_str("bool"),
            Kind::Bytes => write!(f, "[u8; {width}]"),
        }
    }
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// The unsigned integer behind a storage type. Implementation detail.
#[doc(hidden)]
pub trait RawInt: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// Bits of the integer.
    const BITS: u32;
    /// Zero-extends to 128 bits.
    fn to_u128(self) -> u128;
    /// Keeps the low bits.
    fn from_u128_truncate(v: u128) -> Self;
}

/// A lock-free atomic integer of portable-atomic used as storage. Implementation detail:
/// only this crate implements it.
#[doc(hidden)]
#[allow(missing_docs)]
pub trait Storage: Send + Sync + Sized + 'static + sealed::Sealed {
    type Raw: RawInt;
    const WIDTH: usize;
    fn new(v: Self::Raw) -> Self;
    fn is_lock_free() -> bool;
    /// # Safety
    /// 1. `p` is aligned to `WIDTH` and valid for reads and writes for `'a`;
    /// 2. during `'a` the memory is accessed only atomically.
    unsafe fn from_ptr<'a>(p: *mut Self::Raw) -> &'a Self;
    fn as_ptr(&self) -> *mut Self::Raw;
    fn load(&self, o: Ordering) -> Self::Raw;
    fn store(&self, v: Self::Raw, o: Ordering);
    fn exchange(&self, v: Self::Raw, o: Ordering) -> Self::Raw;
    fn cmpxchg_strong(
        &self,
        c: Self::Raw,
        n: Self::Raw,
        s: Ordering,
        f: Ordering,
    ) -> Result<Self::Raw, Self::Raw>;
    fn cmpxchg_weak(
        &self,
        c: Self::Raw,
        n: Self::Raw,
        s: Ordering,
        f: Ordering,
    ) -> Result<Self::Raw, Self::Raw>;
    fn fetch_add(&self, v: Self::Raw, o: Ordering) -> Self::Raw;
    fn fetch_sub(&self, v: Self::Raw, o: Ordering) -> Self::Raw;
    fn fetch_and(&self, v: Self::Raw, o: Ordering) -> Self::Raw;
    fn fetch_or(&self, v: Self::Raw, o: Ordering) -> Self::Raw;
    fn fetch_xor(&self, v: Self::Raw, o: Ordering) -> Self::Raw;
    fn fetch_not(&self, o: Ordering) -> Self::Raw;
    fn fetch_neg(&self, o: Ordering) -> Self::Raw;
    fn add(&self, v: Self::Raw, o: Ordering);
    fn sub(&self, v: Self::Raw, o: Ordering);
    fn and(&self, v: Self::Raw, o: Ordering);
    fn or(&self, v: Self::Raw, o: Ordering);
    fn xor(&self, v: Self::Raw, o: Ordering);
    fn not(&self, o: Ordering);
    fn neg(&self, o: Ordering);
    fn bit_set(&self, bit: u32, o: Ordering) -> bool;
    fn bit_reset(&self, bit: u32, o: Ordering) -> bool;
    fn bit_compl(&self, bit: u32, o: Ordering) -> bool;
    /// Whether `load_readonly` never writes on this CPU.
    fn has_write_free_load() -> bool;
    /// # Safety
    /// 1. `p` is aligned to `WIDTH` and valid for reads for the call;
    /// 2. the memory is only written atomically (by anyone) during the call;
    /// 3. `has_write_free_load()` returned true.
    unsafe fn load_readonly(p: *const Self::Raw, o: Ordering) -> Self::Raw;
}

macro_rules! storage {
    ($($atomic:ident $raw:ident $w:literal;)*) => {$(
        impl RawInt for $raw {
            const BITS: u32 = $raw::BITS;
            #[inline(always)]
            fn to_u128(self) -> u128 { self as u128 }
            #[inline(always)]
            fn from_u128_truncate(v: u128) -> Self { v as $raw }
        }
        impl sealed::Sealed for portable_atomic::$atomic {}
        const _: () = assert!(
            core::mem::size_of::<portable_atomic::$atomic>() == $w
                && core::mem::align_of::<portable_atomic::$atomic>() == $w
        );
        impl Storage for portable_atomic::$atomic {
            type Raw = $raw;
            const WIDTH: usize = $w;
            #[inline(always)]
            fn new(v: $raw) -> Self { Self::new(v) }
            #[inline(always)]
            fn is_lock_free() -> bool { portable_atomic::$atomic::is_lock_free() }
            #[inline(always)]
            unsafe fn from_ptr<'a>(p: *mut $raw) -> &'a Self {
                // SAFETY: the caller guarantees alignment, validity for 'a and atomic-only
                // access (this function's contract 1 and 2), which is portable-atomic's
                // `from_ptr` contract.
                unsafe { portable_atomic::$atomic::from_ptr(p) }
            }
            #[inline(always)]
            fn as_ptr(&self) -> *mut $raw { self.as_ptr() }
            #[inline(always)]
            fn load(&self, o: Ordering) -> $raw { self.load(o) }
            #[inline(always)]
            fn store(&self, v: $raw, o: Ordering) { self.store(v, o) }
            #[inline(always)]
            fn exchange(&self, v: $raw, o: Ordering) -> $raw { self.swap(v, o) }
            #[inline(always)]
            fn cmpxchg_strong(
                &self, c: $raw, n: $raw, s: Ordering, f: Ordering,
            ) -> Result<$raw, $raw> {
                self.compare_exchange(c, n, s, f)
            }
            #[inline(always)]
            fn cmpxchg_weak(
                &self, c: $raw, n: $raw, s: Ordering, f: Ordering,
            ) -> Result<$raw, $raw> {
                self.compare_exchange_weak(c, n, s, f)
            }
            #[inline(always)]
            fn fetch_add(&self, v: $raw, o: Ordering) -> $raw { self.fetch_add(v, o) }
            #[inline(always)]
            fn fetch_sub(&self, v: $raw, o: Ordering) -> $raw { self.fetch_sub(v, o) }
            #[inline(always)]
            fn fetch_and(&self, v: $raw, o: Ordering) -> $raw { self.fetch_and(v, o) }
            #[inline(always)]
            fn fetch_or(&self, v: $raw, o: Ordering) -> $raw { self.fetch_or(v, o) }
            #[inline(always)]
            fn fetch_xor(&self, v: $raw, o: Ordering) -> $raw { self.fetch_xor(v, o) }
            #[inline(always)]
            fn fetch_not(&self, o: Ordering) -> $raw { self.fetch_not(o) }
            #[inline(always)]
            fn fetch_neg(&self, o: Ordering) -> $raw { self.fetch_neg(o) }
            #[inline(always)]
            fn add(&self, v: $raw, o: Ordering) { self.add(v, o) }
            #[inline(always)]
            fn sub(&self, v: $raw, o: Ordering) { self.sub(v, o) }
            #[inline(always)]
            fn and(&self, v: $raw, o: Ordering) { self.and(v, o) }
            #[inline(always)]
            fn or(&self, v: $raw, o: Ordering) { self.or(v, o) }
            #[inline(always)]
            fn xor(&self, v: $raw, o: Ordering) { self.xor(v, o) }
            #[inline(always)]
            fn not(&self, o: Ordering) { self.not(o) }
            #[inline(always)]
            fn neg(&self, o: Ordering) { self.neg(o) }
            #[inline(always)]
            fn bit_set(&self, bit: u32, o: Ordering) -> bool { self.bit_set(bit, o) }
            #[inline(always)]
            fn bit_reset(&self, bit: u32, o: Ordering) -> bool { self.bit_clear(bit, o) }
            #[inline(always)]
            fn bit_compl(&self, bit: u32, o: Ordering) -> bool { self.bit_toggle(bit, o) }
            #[inline(always)]
            fn has_write_free_load() -> bool { write_free_load($w) }
            #[inline(always)]
            unsafe fn load_readonly(p: *const $raw, o: Ordering) -> $raw {
                // SAFETY: aligned and valid for reads (contract 1), only accessed
                // atomically (2); the load instruction used for this width does not write
                // (3), so read-only memory is never written. portable-atomic's `from_ptr`
                // also asks for writability, which only its writing loads need.
                let a = unsafe { portable_atomic::$atomic::from_ptr(p as *mut $raw) };
                a.load(o)
            }
        }
    )*};
}

storage! {
    AtomicU8 u8 1;
    AtomicU16 u16 2;
    AtomicU32 u32 4;
    AtomicU64 u64 8;
    AtomicU128 u128 16;
}

/// Whether an atomic load of `width` bytes is a plain load that never writes memory.
///
/// Widths up to the pointer's size are plain loads on every target portable-atomic
/// supports natively. An 8-byte load on 32-bit Arm with 64-bit atomics (Armv7-A) is
/// `ldrexd` then `clrex`: an exclusive load alone, which the architecture checks as a
/// load (a read-only mapping does not fault) and which writes nothing. A 16-byte load is
/// write-free on x86_64 only with AVX (an aligned `vmovdqa`, which portable-atomic picks
/// at run time); otherwise it is a `cmpxchg16b` (x86_64) or a load/store-exclusive pair
/// (aarch64 without LSE2), which writes and faults on a read-only mapping.
pub(crate) fn write_free_load(width: usize) -> bool {
    if width <= core::mem::size_of::<usize>() {
        return true;
    }
    #[cfg(all(target_arch = "arm", target_has_atomic = "64"))]
    if width == 8 {
        return true;
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "avx"))]
    {
        true
    }
    #[cfg(all(target_arch = "x86_64", not(target_feature = "avx"), feature = "std"))]
    {
        std::is_x86_feature_detected!("avx") && std::is_x86_feature_detected!("cmpxchg16b")
    }
    #[cfg(not(any(
        all(target_arch = "x86_64", target_feature = "avx"),
        all(target_arch = "x86_64", not(target_feature = "avx"), feature = "std")
    )))]
    {
        false
    }
}

/// The raw integer behind `T`'s storage.
pub(crate) type RawOf<T> = <<T as Value>::Storage as Storage>::Raw;

/// A type that [`Atomic<T>`](crate::Atomic) can hold: `i8`..`i128`, `u8`..`u128`, `f32`,
/// `f64`, `bool` and `[u8; N]` for N in 1, 2, 4, 8, 16. Sealed: the storage of every
/// implementation has the value's exact size and bytes, and every storage bit pattern is
/// a valid value.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Kind, Value};
/// assert_eq!(<[u8; 16] as Value>::WIDTH, 16);
/// assert_eq!(<bool as Value>::KIND, Kind::Bool);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an atomic value type",
    label = "not an atomic value type",
    note = "atomic value types are i8..i128, u8..u128, f32, f64, bool and [u8; N] for N in 1, 2, 4, 8, 16"
)]
pub trait Value: Copy + PartialEq + fmt::Debug + Send + Sync + 'static + sealed::Sealed {
    /// The lock-free storage. Implementation detail.
    #[doc(hidden)]
    type Storage: Storage;
    /// The width in bytes (the size and alignment of `Atomic<Self>`).
    const WIDTH: usize;
    /// The kind.
    const KIND: Kind;
    /// The value whose bytes are all zero (what `Default` and zeroed memory hold).
    const ZERO: Self;
    /// The storage bits of the value. Implementation detail.
    #[doc(hidden)]
    fn into_raw(self) -> RawOf<Self>;
    /// The value of storage bits. Implementation detail.
    #[doc(hidden)]
    fn from_raw(raw: RawOf<Self>) -> Self;

    /// Compare-exchange comparing values (not raw bits, which differs only for `bool`).
    /// Implementation detail.
    #[doc(hidden)]
    #[inline(always)]
    fn cmpxchg(
        s: &Self::Storage,
        current: Self,
        new: Self,
        success: Ordering,
        failure: Ordering,
        weak: bool,
    ) -> Result<Self, Self> {
        let r = if weak {
            s.cmpxchg_weak(current.into_raw(), new.into_raw(), success, failure)
        } else {
            s.cmpxchg_strong(current.into_raw(), new.into_raw(), success, failure)
        };
        r.map(Self::from_raw).map_err(Self::from_raw)
    }
}

/// Writes value operations that are the storage's operation of the same name on the raw
/// bits: `fn op(v) -> Self;` becomes
/// `fn op(s, v, o) -> Self { Self::from_raw(s.op(v.into_raw(), o)) }`, and without
/// `-> Self` the result is the storage's `()`.
macro_rules! forward {
    ($($(#[$m:meta])* fn $op:ident($($v:ident)?) $(-> $ret:ident)?;)*) => {$(
        $(#[$m])*
        #[inline(always)]
        fn $op(s: &Self::Storage, $($v: Self,)? o: Ordering) $(-> $ret)? {
            forward!(@ret $($ret)?; s.$op($($v.into_raw(),)? o))
        }
    )*};
    (@ret Self; $e:expr) => {
        Self::from_raw($e)
    };
    (@ret; $e:expr) => {
        $e
    };
}

/// Values with bit operations (`bit_*`, `bin_*`): integers, `[u8; N]` and `bool`.
///
/// On `bool` the `bin_*` operations are logical (`bin_not` of `true` is `false` whatever
/// non-zero byte held it) and the `bit_*` operations act on the raw byte.
pub trait Bitwise: Value {
    forward! {
        #[doc(hidden)] fn fetch_or(v) -> Self;
        #[doc(hidden)] fn fetch_and(v) -> Self;
        #[doc(hidden)] fn fetch_xor(v) -> Self;
        #[doc(hidden)] fn fetch_not() -> Self;
        #[doc(hidden)] fn or(v);
        #[doc(hidden)] fn and(v);
        #[doc(hidden)] fn xor(v);
        #[doc(hidden)] fn not();
    }
}

/// Values with arithmetic (`add`, `sub`, `neg` and their `fetch_*` forms): integers
/// (wrapping) and floats (IEEE, by compare-exchange loops).
pub trait Arithmetic: Value {
    #[doc(hidden)]
    fn fetch_add(s: &Self::Storage, v: Self, o: Ordering) -> Self;
    #[doc(hidden)]
    fn fetch_sub(s: &Self::Storage, v: Self, o: Ordering) -> Self;
    #[doc(hidden)]
    fn fetch_neg(s: &Self::Storage, o: Ordering) -> Self;
    #[doc(hidden)]
    fn add(s: &Self::Storage, v: Self, o: Ordering);
    #[doc(hidden)]
    fn sub(s: &Self::Storage, v: Self, o: Ordering);
    #[doc(hidden)]
    fn neg(s: &Self::Storage, o: Ordering);
}

/// Integers: wrapping arithmetic plus `inc`, `dec`, `fetch_inc`, `fetch_dec`. Signed and
/// unsigned wrapping arithmetic are the same operation on the bits.
pub trait Integer: Bitwise + Arithmetic {
    /// One, for `inc` and `dec`.
    #[doc(hidden)]
    const ONE: Self;
}

/// Floats: `add`, `sub`, `neg` and `fetch_*` by compare-exchange loops (portable-atomic's
/// `AtomicF32`/`AtomicF64`). Compare-exchange compares bits: `-0.0 != 0.0`, and a NaN
/// matches only the same NaN bits.
pub trait Float: Arithmetic {}

macro_rules! int_values {
    ($($t:ident $storage:ident $raw:ident $kind:ident;)*) => {$(
        impl sealed::Sealed for $t {}
        const _: () = assert!(core::mem::size_of::<$t>() == core::mem::size_of::<$raw>());
        impl Value for $t {
            type Storage = portable_atomic::$storage;
            const WIDTH: usize = core::mem::size_of::<$t>();
            const KIND: Kind = Kind::$kind;
            const ZERO: Self = 0;
            #[inline(always)]
            fn into_raw(self) -> $raw { self as $raw }
            #[inline(always)]
            fn from_raw(raw: $raw) -> Self { raw as $t }
        }
        impl Bitwise for $t {}
        /// Wrapping arithmetic is the same operation on the bits, signed or not.
        impl Arithmetic for $t {
            forward! {
                fn fetch_add(v) -> Self;
                fn fetch_sub(v) -> Self;
                fn fetch_neg() -> Self;
                fn add(v);
                fn sub(v);
                fn neg();
            }
        }
        impl Integer for $t {
            const ONE: Self = 1;
        }
    )*};
}

int_values! {
    i8 AtomicU8 u8 Int;
    u8 AtomicU8 u8 Uint;
    i16 AtomicU16 u16 Int;
    u16 AtomicU16 u16 Uint;
    i32 AtomicU32 u32 Int;
    u32 AtomicU32 u32 Uint;
    i64 AtomicU64 u64 Int;
    u64 AtomicU64 u64 Uint;
    i128 AtomicU128 u128 Int;
    u128 AtomicU128 u128 Uint;
}

macro_rules! bytes_values {
    ($($n:literal $storage:ident $raw:ident;)*) => {$(
        impl sealed::Sealed for [u8; $n] {}
        impl Value for [u8; $n] {
            type Storage = portable_atomic::$storage;
            const WIDTH: usize = $n;
            const KIND: Kind = Kind::Bytes;
            const ZERO: Self = [0; $n];
            #[inline(always)]
            fn into_raw(self) -> $raw { $raw::from_ne_bytes(self) }
            #[inline(always)]
            fn from_raw(raw: $raw) -> Self { raw.to_ne_bytes() }
        }
        impl Bitwise for [u8; $n] {}
    )*};
}

bytes_values! {
    1 AtomicU8 u8;
    2 AtomicU16 u16;
    4 AtomicU32 u32;
    8 AtomicU64 u64;
    16 AtomicU128 u128;
}

macro_rules! float_values {
    ($($t:ident $storage:ident $raw:ident $float_atomic:ident;)*) => {$(
        impl sealed::Sealed for $t {}
        impl Value for $t {
            type Storage = portable_atomic::$storage;
            const WIDTH: usize = core::mem::size_of::<$t>();
            const KIND: Kind = Kind::Float;
            const ZERO: Self = 0.0;
            #[inline(always)]
            fn into_raw(self) -> $raw { self.to_bits() }
            #[inline(always)]
            fn from_raw(raw: $raw) -> Self { $t::from_bits(raw) }
        }
        const _: () = assert!(
            core::mem::size_of::<portable_atomic::$float_atomic>() == core::mem::size_of::<$t>()
                && core::mem::align_of::<portable_atomic::$float_atomic>()
                    == core::mem::align_of::<portable_atomic::$storage>()
        );
        impl Float for $t {}
        impl Arithmetic for $t {
            #[inline]
            fn add(s: &Self::Storage, v: Self, o: Ordering) {
                <$t as Arithmetic>::fetch_add(s, v, o);
            }
            #[inline]
            fn sub(s: &Self::Storage, v: Self, o: Ordering) {
                <$t as Arithmetic>::fetch_sub(s, v, o);
            }
            #[inline]
            fn neg(s: &Self::Storage, o: Ordering) {
                <$t as Arithmetic>::fetch_neg(s, o);
            }
            #[inline]
            fn fetch_add(s: &Self::Storage, v: Self, o: Ordering) -> Self {
                // SAFETY: `$float_atomic` is the float atomic of `$storage` (the
                // `float_values!` rows and their const assertion: contract 1); both are
                // `UnsafeCell`s of plain bits (contract 2).
                unsafe { as_float::<$t, portable_atomic::$float_atomic>(s) }.fetch_add(v, o)
            }
            #[inline]
            fn fetch_sub(s: &Self::Storage, v: Self, o: Ordering) -> Self {
                // SAFETY: `$float_atomic` is the float atomic of `$storage` (the
                // `float_values!` rows and their const assertion: contract 1); both are
                // `UnsafeCell`s of plain bits (contract 2).
                unsafe { as_float::<$t, portable_atomic::$float_atomic>(s) }.fetch_sub(v, o)
            }
            #[inline]
            fn fetch_neg(s: &Self::Storage, o: Ordering) -> Self {
                // SAFETY: `$float_atomic` is the float atomic of `$storage` (the
                // `float_values!` rows and their const assertion: contract 1); both are
                // `UnsafeCell`s of plain bits (contract 2).
                unsafe { as_float::<$t, portable_atomic::$float_atomic>(s) }.fetch_neg(o)
            }
        }
    )*};
}

/// Views integer storage as portable-atomic's float atomic of the same width.
///
/// # Safety
///
/// 1. `F` is portable-atomic's float atomic whose bits are `T::Storage`'s integer:
///    `AtomicF32` for `AtomicU32` storage, `AtomicF64` for `AtomicU64` storage (same size
///    and alignment, asserted beside `float_values!`);
/// 2. like the storage, `F` is an `UnsafeCell` of plain bits for which every bit pattern
///    is valid, so the memory stays valid and atomic-only through either type.
#[inline(always)]
unsafe fn as_float<T: Value, F>(s: &T::Storage) -> &F {
    // SAFETY: by the caller's contract 1, `F` has the size and alignment of the storage
    // `s` points to, so the cast pointer is aligned and dereferenceable for the lifetime
    // of `s`; by contract 2 every bit pattern there is a valid `F`, and the memory is
    // still reached only through atomic operations.
    unsafe { &*(s as *const T::Storage as *const F) }
}

float_values! {
    f32 AtomicU32 u32 AtomicF32;
    f64 AtomicU64 u64 AtomicF64;
}

impl sealed::Sealed for bool {}
impl Value for bool {
    type Storage = portable_atomic::AtomicU8;
    const WIDTH: usize = 1;
    const KIND: Kind = Kind::Bool;
    const ZERO: Self = false;
    #[inline(always)]
    fn into_raw(self) -> u8 {
        self as u8
    }
    #[inline(always)]
    fn from_raw(raw: u8) -> Self {
        raw != 0
    }

    /// Compares truth values: a stored `0x02` matches `expected == true`.
    fn cmpxchg(
        s: &Self::Storage,
        current: bool,
        new: bool,
        success: Ordering,
        failure: Ordering,
        weak: bool,
    ) -> Result<bool, bool> {
        let mut raw = s.load(failure);
        loop {
            if (raw != 0) != current {
                return Err(raw != 0);
            }
            match s.cmpxchg_weak(raw, new as u8, success, failure) {
                Ok(_) => return Ok(current),
                Err(now) if weak => return Err(now != 0),
                Err(now) => raw = now,
            }
        }
    }
}

/// Logical operations on possibly non-canonical bytes (any non-zero byte is `true`).
impl Bitwise for bool {
    fn fetch_or(s: &Self::Storage, v: bool, o: Ordering) -> bool {
        if v {
            s.exchange(1, o) != 0
        } else {
            s.fetch_or(0, o) != 0
        }
    }
    fn fetch_and(s: &Self::Storage, v: bool, o: Ordering) -> bool {
        if v {
            s.fetch_or(0, o) != 0
        } else {
            s.exchange(0, o) != 0
        }
    }
    fn fetch_xor(s: &Self::Storage, v: bool, o: Ordering) -> bool {
        if v {
            <bool as Bitwise>::fetch_not(s, o)
        } else {
            s.fetch_or(0, o) != 0
        }
    }
    fn fetch_not(s: &Self::Storage, o: Ordering) -> bool {
        let fail = MemoryOrder::of_ordering(o)
            .strongest_fail_order()
            .ordering();
        let mut raw = s.load(fail);
        loop {
            match s.cmpxchg_weak(raw, (raw == 0) as u8, o, fail) {
                Ok(old) => return old != 0,
                Err(now) => raw = now,
            }
        }
    }
    fn or(s: &Self::Storage, v: bool, o: Ordering) {
        <bool as Bitwise>::fetch_or(s, v, o);
    }
    fn and(s: &Self::Storage, v: bool, o: Ordering) {
        <bool as Bitwise>::fetch_and(s, v, o);
    }
    fn xor(s: &Self::Storage, v: bool, o: Ordering) {
        <bool as Bitwise>::fetch_xor(s, v, o);
    }
    fn not(s: &Self::Storage, o: Ordering) {
        <bool as Bitwise>::fetch_not(s, o);
    }
}

/// The storage bit of memory bit `k` (bit `k % 8` of byte `k / 8`) for a `width`-byte
/// native-endian integer.
#[inline(always)]
pub(crate) const fn storage_bit(k: u32, width: usize) -> u32 {
    if cfg!(target_endian = "little") {
        k
    } else {
        (width as u32 - 1 - k / 8) * 8 + k % 8
    }
}
