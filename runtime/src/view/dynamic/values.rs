//! Values of the dynamic API: [`AType`], the Python package's kind markers, and
//! [`DynValue`], what every operation returns (bytes, width and kind), with the
//! conversions between storage bits and memory bytes that both directions use.

use core::fmt;

use crate::cell::value::{Kind, RawInt, RawOf, Value};
use crate::cell::width::Width;

/// The kind of a dynamic atomic, as the Python `atomics` package names them (its
/// `INT`, `UINT` and `BYTES` markers).
/// [`DynAtomic::with_kind`](crate::DynAtomic::with_kind) and
/// [`DynAtomicView::with_kind`](crate::DynAtomicView::with_kind) take any [`Kind`]
/// instead, including `bool` and floats.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Kind};
/// assert_eq!(Kind::from(AType::Uint), Kind::Uint);
/// assert_eq!(AType::from_kind(Kind::Float), None);
/// assert_eq!(AType::Bytes.to_string(), "bytes");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AType {
    /// Signed integer, two's complement.
    Int,
    /// Unsigned integer.
    Uint,
    /// Raw bytes: bitwise operations, no arithmetic.
    Bytes,
}

impl AType {
    /// The [`Kind`] of this atype.
    pub const fn kind(self) -> Kind {
        match self {
            AType::Int => Kind::Int,
            AType::Uint => Kind::Uint,
            AType::Bytes => Kind::Bytes,
        }
    }

    /// The atype of a kind, if it has one (`bool` and floats have none).
    pub const fn from_kind(kind: Kind) -> Option<AType> {
        match kind {
            Kind::Int => Some(AType::Int),
            Kind::Uint => Some(AType::Uint),
            Kind::Bytes => Some(AType::Bytes),
            Kind::Bool | Kind::Float => None,
        }
    }
}

impl From<AType> for Kind {
    fn from(a: AType) -> Kind {
        a.kind()
    }
}

impl fmt::Display for AType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind().name())
    }
}

/// All ones in the low `width` bytes.
#[inline]
pub(super) const fn mask(width: Width) -> u128 {
    match width {
        Width::W16 => u128::MAX,
        w => (1u128 << w.bits()) - 1,
    }
}

/// The storage bits (native-endian integer of `width` bytes) of memory bytes `buf[..width]`.
#[inline]
pub(super) fn bytes_to_bits(buf: &[u8; 16], width: Width) -> u128 {
    // The memory bytes of a `width`-byte native-endian integer are the low-order bytes
    // of the zero-extended `u128`'s native-endian bytes: the first `width` on a
    // little-endian target, the last `width` on a big-endian one.
    let mut wide = [0u8; 16];
    let w = width.bytes();
    if cfg!(target_endian = "little") {
        wide[..w].copy_from_slice(&buf[..w]);
    } else {
        wide[16 - w..].copy_from_slice(&buf[..w]);
    }
    u128::from_ne_bytes(wide)
}

/// A value read from a dynamic atomic: its bytes, width and kind.
///
/// Read it with [`as_i128`](Self::as_i128), [`as_u128`](Self::as_u128),
/// [`as_bytes`](Self::as_bytes), [`as_bool`](Self::as_bool), [`as_f64`](Self::as_f64) or
/// [`get`](Self::get); compare it with integers, `bool`, floats and byte strings of its
/// kind; `Display` writes integers in decimal and bytes as Python does (`b'\x00\x01'`).
/// Two `DynValue`s are equal when kind, width and bytes are (floats compare by bits).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, atomic};
///
/// let a = atomic(2, AType::Int)?;
/// a.store(-2)?;
/// let v = a.load()?;
/// assert_eq!(v, -2);
/// assert_eq!(v.as_i128(), -2);
/// assert_eq!(v.as_u128(), 0xfffe);
/// assert_eq!(v.get::<i16>(), Some(-2));
/// assert_eq!(v.to_string(), "-2");
///
/// let b = atomic(2, AType::Bytes)?;
/// b.store([0, b'a'])?;
/// assert_eq!(b.load()?.to_string(), r"b'\x00a'");
/// assert_eq!(b.load()?, *b"\0a");
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DynValue {
    /// The storage bits, zero-extended: kept as the integer the operation returned, so
    /// making and reading a value is a register move, not a byte copy (whose variable
    /// length needs a `memcpy` call, and whose narrow stores stall the wide load that
    /// reads them back). The memory bytes are a slice of its native-endian bytes. Held
    /// as two words ([`Words`]), so a value is 24 bytes aligned to 8, not 32 aligned to 16.
    bits: Words,
    width: Width,
    kind: Kind,
}

/// A `u128` as two `u64`s in the `u128`'s own memory order (the same 16 bytes), so that
/// `DynValue` needs only 8-byte alignment: 24 bytes instead of 32, and a
/// `CmpxchgResult<DynValue>` 32 instead of 48. A result that user code hands to
/// `black_box` (or otherwise keeps in memory) is copied whole, padding included, and
/// before the next locked instruction every such store must drain: the 16-byte
/// alignment's padding made the owned `cmpxchg_strong` 2x the typed one in that use.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Words([u64; 2]);

impl Words {
    #[inline(always)]
    const fn new(v: u128) -> Words {
        let (lo, hi) = (v as u64, (v >> 64) as u64);
        if cfg!(target_endian = "little") {
            Words([lo, hi])
        } else {
            Words([hi, lo])
        }
    }

    #[inline(always)]
    const fn get(self) -> u128 {
        let (lo, hi) = if cfg!(target_endian = "little") {
            (self.0[0], self.0[1])
        } else {
            (self.0[1], self.0[0])
        };
        (hi as u128) << 64 | lo as u128
    }
}

impl DynValue {
    /// The value of storage bits `bits` of an atomic of `width` and `kind`.
    #[inline]
    pub(super) fn from_bits(bits: u128, width: Width, kind: Kind) -> DynValue {
        DynValue {
            bits: Words::new(bits),
            width,
            kind,
        }
    }

    /// The width in bytes.
    #[inline]
    pub const fn width(&self) -> usize {
        self.width.bytes()
    }

    /// The kind.
    #[inline]
    pub const fn kind(&self) -> Kind {
        self.kind
    }

    /// The storage bits: the native-endian unsigned integer of the width, zero-extended
    /// (a `bool` is 0 or 1, a float its IEEE bits).
    #[inline]
    pub const fn bits(&self) -> u128 {
        self.bits.get()
    }

    /// The bits read as a two's complement integer of the width, sign-extended: the value
    /// of an `int`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::atomic(1, shm_atomics::AType::Uint)?;
    /// a.store(255)?;
    /// assert_eq!(a.load()?.as_i128(), -1);
    /// assert_eq!(a.load()?.as_u128(), 255);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    #[inline]
    pub fn as_i128(&self) -> i128 {
        let shift = 128 - self.width.bits();
        ((self.bits() << shift) as i128) >> shift
    }

    /// The bits zero-extended: the value of a `uint`.
    #[inline]
    pub fn as_u128(&self) -> u128 {
        self.bits()
    }

    /// The memory bytes, `width` of them.
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `Words` (`[u64; 2]`) has no padding and every byte of it is an
        // initialised `u8`; `[u8; 16]` has alignment 1 and its size, and the borrow of
        // `self` keeps the field alive and unmodified for the returned lifetime. Its bytes
        // are the `u128`'s native-endian bytes (`Words::new`).
        let ne: &[u8; 16] = unsafe { &*(&raw const self.bits).cast::<[u8; 16]>() };
        let w = self.width.bytes();
        if cfg!(target_endian = "little") {
            &ne[..w]
        } else {
            &ne[16 - w..]
        }
    }

    /// The memory bytes in a 16-byte array (zero after the width), for `no_std` code that
    /// needs an owned copy.
    pub const fn to_bytes(&self) -> [u8; 16] {
        if cfg!(target_endian = "little") {
            self.bits().to_le_bytes()
        } else {
            // The value's bytes first: shift them to the top of the big-endian integer.
            (self.bits() << (128 - self.width.bits())).to_be_bytes()
        }
    }

    /// Whether any bit is set (the value of a `bool`).
    #[inline]
    pub fn as_bool(&self) -> bool {
        self.bits() != 0
    }

    /// The value of a `float` (an `f32` widened exactly); `None` for other kinds.
    pub fn as_f64(&self) -> Option<f64> {
        match (self.kind, self.width) {
            (Kind::Float, Width::W4) => Some(f32::from_bits(self.bits() as u32) as f64),
            (Kind::Float, Width::W8) => Some(f64::from_bits(self.bits() as u64)),
            _ => None,
        }
    }

    /// The value as the typed `T`, if `T` has this width and kind.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::atomic(4, shm_atomics::AType::Uint)?;
    /// a.store(7)?;
    /// assert_eq!(a.load()?.get::<u32>(), Some(7));
    /// assert_eq!(a.load()?.get::<i32>(), None); // another kind
    /// assert_eq!(a.load()?.get::<u64>(), None); // another width
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn get<T: Value>(&self) -> Option<T> {
        (T::WIDTH == self.width() && T::KIND == self.kind).then(|| val::<T>(self.bits()))
    }

    fn eq_i128(&self, v: i128) -> bool {
        match self.kind {
            Kind::Int => self.as_i128() == v,
            Kind::Uint => v >= 0 && self.as_u128() == v as u128,
            _ => false,
        }
    }

    fn eq_u128(&self, v: u128) -> bool {
        match self.kind {
            Kind::Int => self.as_i128() >= 0 && self.as_i128() as u128 == v,
            Kind::Uint => self.as_u128() == v,
            _ => false,
        }
    }
}

macro_rules! value_eq {
    ($method:ident as $wide:ty: $($t:ty)*) => {$(
        /// Equal when the value is an `int` or `uint` of the same number.
        impl PartialEq<$t> for DynValue {
            fn eq(&self, other: &$t) -> bool {
                self.$method(*other as $wide)
            }
        }
        /// Equal when the value is an `int` or `uint` of the same number.
        impl PartialEq<DynValue> for $t {
            fn eq(&self, other: &DynValue) -> bool {
                other.$method(*self as $wide)
            }
        }
    )*};
}

value_eq!(eq_i128 as i128: i8 i16 i32 i64 i128 isize);
value_eq!(eq_u128 as u128: u8 u16 u32 u64 u128 usize);

/// Equal when the value is a `bool` of the same truth.
impl PartialEq<bool> for DynValue {
    fn eq(&self, other: &bool) -> bool {
        self.kind == Kind::Bool && self.as_bool() == *other
    }
}

/// Equal when the value is a `float` equal to `other` (IEEE: `NaN != NaN`).
impl PartialEq<f64> for DynValue {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

/// Equal when the value is a `float` equal to `other` (IEEE: `NaN != NaN`).
impl PartialEq<f32> for DynValue {
    fn eq(&self, other: &f32) -> bool {
        self.as_f64() == Some(*other as f64)
    }
}

/// Equal when the value is `bytes` with exactly these bytes.
impl PartialEq<[u8]> for DynValue {
    fn eq(&self, other: &[u8]) -> bool {
        self.kind == Kind::Bytes && self.as_bytes() == other
    }
}

/// Equal when the value is `bytes` with exactly these bytes.
impl PartialEq<&[u8]> for DynValue {
    fn eq(&self, other: &&[u8]) -> bool {
        *self == **other
    }
}

/// Equal when the value is `bytes` with exactly these bytes.
impl<const N: usize> PartialEq<[u8; N]> for DynValue {
    fn eq(&self, other: &[u8; N]) -> bool {
        *self == other[..]
    }
}

impl fmt::Display for DynValue {
    /// Integers in decimal, `bool` as `true`/`false`, floats as Rust's `Debug` (`1.0`),
    /// bytes as Python's `repr` (`b'ab\x00'`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Int => write!(f, "{}", self.as_i128()),
            Kind::Uint => write!(f, "{}", self.as_u128()),
            Kind::Bool => write!(f, "{}", self.as_bool()),
            Kind::Float if self.width == Width::W4 => {
                write!(f, "{:?}", f32::from_bits(self.bits() as u32))
            }
            Kind::Float => write!(f, "{:?}", f64::from_bits(self.bits() as u64)),
            Kind::Bytes => python_bytes(f, self.as_bytes()),
        }
    }
}

impl fmt::Debug for DynValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynValue")
            .field("kind", &self.kind)
            .field("width", &self.width.bytes())
            .field("value", &format_args!("{self}"))
            .finish()
    }
}

/// Writes `b` as Python's `repr` of a `bytes` object.
fn python_bytes(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    write!(f, "b{}", quote as char)?;
    for &c in b {
        match c {
            b'\\' => f.write_str("\\\\")?,
            b'\t' => f.write_str("\\t")?,
            b'\n' => f.write_str("\\n")?,
            b'\r' => f.write_str("\\r")?,
            c if c == quote => write!(f, "\\{}", c as char)?,
            0x20..=0x7e => write!(f, "{}", c as char)?,
            c => write!(f, "\\x{c:02x}")?,
        }
    }
    write!(f, "{}", quote as char)
}

/// The value of storage bits, for any value type.
#[inline(always)]
pub(super) fn val<T: Value>(bits: u128) -> T {
    T::from_raw(<RawOf<T> as RawInt>::from_u128_truncate(bits))
}

/// The storage bits of a value, zero-extended.
#[inline(always)]
pub(super) fn bits<T: Value>(v: T) -> u128 {
    v.into_raw().to_u128()
}
