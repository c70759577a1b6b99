//! The dynamic API: atomics whose width and kind are known only at run time (tools,
//! descriptors read from a segment, parity with the Python `atomics` package).
//!
//! [`atomic`] makes an owned [`DynAtomic`]; [`atomicview`] makes a [`DynAtomicView`] of a
//! [`Region`] whose length is the width. Both offer every operation of
//! [`Atomic<T>`](crate::Atomic) under the same names, each returning a `Result`: an
//! operation the kind (or a read-only view) does not offer is
//! [`UnsupportedOperation`], an operand that does not fit is [`OperandError`] (never
//! truncated). Operands are anything that converts into an [`Operand`] (integers, `bool`,
//! floats, byte strings); results are [`DynValue`]s.
//!
//! Every operation is dispatched on the width to the typed `Atomic<u8>` ..
//! `Atomic<u128>` (or `Atomic<bool>`, `Atomic<f32>`, `Atomic<f64>`, or a [`ReadOnly`]
//! view), so memory order validation, alignment and lock-freedom checks are the typed
//! API's own.

use core::fmt;

use crate::cell::atomic::{Atomic, CmpxchgResult};
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::MemoryOrder;
use crate::cell::value::{Kind, RawInt, RawOf, Value};
use crate::error::{
    Error, OperandError, OperandValue, UnsupportedOperation, UnsupportedWidth, WidthReason,
};
use crate::view::region::{ReadOnly, Region};

/// The kind of a dynamic atomic, as the Python `atomics` package names them (its
/// `INT`, `UINT` and `BYTES` markers). [`DynAtomic::with_kind`] and
/// [`DynAtomicView::with_kind`] take any [`Kind`] instead, including `bool` and floats.
///
/// ```
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

/// An operand of the dynamic API, converted from an integer (`i8`..`i128`, `u8`..`u128`,
/// `isize`, `usize`), a `bool`, a float (`f32`, `f64`), a byte string (`&[u8]`,
/// `[u8; N]`, `&[u8; N]`) or a [`DynValue`]. Methods take `impl Into<Operand>`.
///
/// Whether it fits is decided against the atomic's width and kind when the operation
/// runs, never by truncating:
///
/// | kind    | accepts                                                          |
/// |---------|------------------------------------------------------------------|
/// | `int`   | integers in the signed range of the width; `bool` as 0 or 1      |
/// | `uint`  | integers in `0..=MAX` of the width; `bool` as 0 or 1             |
/// | `bytes` | byte strings of exactly the width                                |
/// | `bool`  | `bool`; the integers 0 and 1                                     |
/// | `float` | floats and integers the width represents exactly (NaN stays NaN) |
///
/// ```
/// use shm_atomics::{AType, Operand, OperandValue, atomic};
///
/// assert_eq!(Operand::from(-1i8).value(), OperandValue::Int(-1));
/// let a = atomic(2, AType::Bytes)?;
/// a.store(b"ab")?;
/// a.store(&b"cd"[..])?;
/// assert!(a.store(&b"abc"[..]).is_err());
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Operand(Repr);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Repr {
    Int(i128),
    Uint(u128),
    Bool(bool),
    F32(f32),
    F64(f64),
    /// The first `len` bytes of `buf`; only `len` is kept if it is more than 16.
    Bytes {
        buf: [u8; 16],
        len: usize,
    },
}

impl Operand {
    /// The operand as given, in the form errors report it.
    pub fn value(&self) -> OperandValue {
        match self.0 {
            Repr::Int(v) => OperandValue::Int(v),
            Repr::Uint(v) => OperandValue::Uint(v),
            Repr::Bool(b) => OperandValue::Bool(b),
            Repr::F32(v) => OperandValue::Float((v as f64).to_bits()),
            Repr::F64(v) => OperandValue::Float(v.to_bits()),
            Repr::Bytes { len, .. } => OperandValue::Bytes(len),
        }
    }

    fn bytes(b: &[u8]) -> Operand {
        let mut buf = [0u8; 16];
        if let Some(head) = buf.get_mut(..b.len()) {
            head.copy_from_slice(b);
        }
        Operand(Repr::Bytes { buf, len: b.len() })
    }

    /// The storage bits of this operand for an atomic of `width` bytes and `kind`, or an
    /// [`OperandError`] if it does not fit exactly.
    #[inline]
    fn encode(self, width: usize, kind: Kind) -> Result<u128, Error> {
        let mask = mask(width);
        let fits = match (kind, self.0) {
            (Kind::Int, Repr::Int(v)) => {
                let max = (mask >> 1) as i128;
                (v >= -max - 1 && v <= max).then_some(v as u128 & mask)
            }
            (Kind::Int, Repr::Uint(v)) => (v <= mask >> 1).then_some(v),
            (Kind::Uint, Repr::Int(v)) => (v >= 0 && v as u128 <= mask).then_some(v as u128),
            (Kind::Uint, Repr::Uint(v)) => (v <= mask).then_some(v),
            (Kind::Int | Kind::Uint | Kind::Bool, Repr::Bool(b)) => Some(b as u128),
            (Kind::Bool, Repr::Int(v @ (0 | 1))) => Some(v as u128),
            (Kind::Bool, Repr::Uint(v @ (0 | 1))) => Some(v),
            (Kind::Bytes, Repr::Bytes { buf, len }) if len == width => {
                Some(bytes_to_bits(&buf, width))
            }
            (Kind::Float, Repr::F32(v)) if width == 4 => Some(v.to_bits() as u128),
            (Kind::Float, Repr::F32(v)) => Some((v as f64).to_bits() as u128),
            (Kind::Float, Repr::F64(v)) if width == 8 => Some(v.to_bits() as u128),
            (Kind::Float, Repr::F64(v)) => {
                let n = v as f32;
                (v.is_nan() || n as f64 == v).then_some(n.to_bits() as u128)
            }
            (Kind::Float, Repr::Int(v)) => int_to_float(v, width),
            (Kind::Float, Repr::Uint(v)) => uint_to_float(v, width),
            _ => None,
        };
        fits.ok_or_else(|| {
            OperandError {
                value: self.value(),
                width,
                kind,
            }
            .into()
        })
    }
}

/// 2^127 as a float (exact).
const TWO_127: f64 = (1u128 << 127) as f64;

/// The bits of the float of `width` bytes equal to `v`, if it represents `v` exactly.
fn int_to_float(v: i128, width: usize) -> Option<u128> {
    // A float at or above 2^127 would saturate back to i128::MAX, so it is excluded.
    if width == 4 {
        let f = v as f32;
        ((f as f64) < TWO_127 && f as i128 == v).then_some(f.to_bits() as u128)
    } else {
        let f = v as f64;
        (f < TWO_127 && f as i128 == v).then_some(f.to_bits() as u128)
    }
}

/// The bits of the float of `width` bytes equal to `v`, if it represents `v` exactly.
fn uint_to_float(v: u128, width: usize) -> Option<u128> {
    // `u128::MAX` rounds to 2^128 (or infinity for f32), which saturates back to MAX.
    if width == 4 {
        let f = v as f32;
        ((f as f64) < 2.0 * TWO_127 && f as u128 == v).then_some(f.to_bits() as u128)
    } else {
        let f = v as f64;
        (f < 2.0 * TWO_127 && f as u128 == v).then_some(f.to_bits() as u128)
    }
}

macro_rules! operand_from {
    ($variant:ident as $wide:ty: $($t:ty)*) => {$(
        impl From<$t> for Operand {
            fn from(v: $t) -> Operand {
                Operand(Repr::$variant(v as $wide))
            }
        }
    )*};
}

operand_from!(Int as i128: i8 i16 i32 i64 i128 isize);
operand_from!(Uint as u128: u8 u16 u32 u64 u128 usize);

impl From<bool> for Operand {
    fn from(v: bool) -> Operand {
        Operand(Repr::Bool(v))
    }
}

impl From<f32> for Operand {
    fn from(v: f32) -> Operand {
        Operand(Repr::F32(v))
    }
}

impl From<f64> for Operand {
    fn from(v: f64) -> Operand {
        Operand(Repr::F64(v))
    }
}

impl From<&[u8]> for Operand {
    fn from(v: &[u8]) -> Operand {
        Operand::bytes(v)
    }
}

impl<const N: usize> From<[u8; N]> for Operand {
    fn from(v: [u8; N]) -> Operand {
        Operand::bytes(&v)
    }
}

impl<const N: usize> From<&[u8; N]> for Operand {
    fn from(v: &[u8; N]) -> Operand {
        Operand::bytes(v)
    }
}

impl From<DynValue> for Operand {
    /// The value as an operand of its own kind (so a loaded value can be stored back).
    fn from(v: DynValue) -> Operand {
        Operand(match v.kind {
            Kind::Int => Repr::Int(v.as_i128()),
            Kind::Uint => Repr::Uint(v.as_u128()),
            Kind::Bool => Repr::Bool(v.as_bool()),
            Kind::Float if v.width == 4 => Repr::F32(f32::from_bits(v.bits() as u32)),
            Kind::Float => Repr::F64(f64::from_bits(v.bits() as u64)),
            Kind::Bytes => {
                return Operand::bytes(v.as_bytes());
            }
        })
    }
}

/// All ones in the low `width` bytes.
#[inline]
const fn mask(width: usize) -> u128 {
    if width >= 16 {
        u128::MAX
    } else {
        (1u128 << (width * 8)) - 1
    }
}

/// The storage bits (native-endian integer of `width` bytes) of memory bytes `buf[..width]`.
fn bytes_to_bits(buf: &[u8; 16], width: usize) -> u128 {
    let w = width.min(16);
    let mut wide = [0u8; 16];
    if cfg!(target_endian = "little") {
        wide[..w].copy_from_slice(&buf[..w]);
        u128::from_le_bytes(wide)
    } else {
        wide[16 - w..].copy_from_slice(&buf[..w]);
        u128::from_be_bytes(wide)
    }
}

/// The memory bytes (in `[..width]`, the rest zero) of storage bits.
fn bits_to_bytes(bits: u128, width: usize) -> [u8; 16] {
    let w = width.min(16);
    let mut out = [0u8; 16];
    if cfg!(target_endian = "little") {
        out[..w].copy_from_slice(&bits.to_le_bytes()[..w]);
    } else {
        out[..w].copy_from_slice(&bits.to_be_bytes()[16 - w..]);
    }
    out
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
    /// Memory bytes in `[..width]`, zero after.
    bytes: [u8; 16],
    width: u8,
    kind: Kind,
}

impl DynValue {
    #[inline]
    fn from_bits(bits: u128, width: usize, kind: Kind) -> DynValue {
        DynValue {
            bytes: bits_to_bytes(bits, width),
            width: width as u8,
            kind,
        }
    }

    /// The width in bytes.
    pub const fn width(&self) -> usize {
        self.width as usize
    }

    /// The kind.
    pub const fn kind(&self) -> Kind {
        self.kind
    }

    /// The storage bits: the native-endian unsigned integer of the width, zero-extended
    /// (a `bool` is 0 or 1, a float its IEEE bits).
    pub fn bits(&self) -> u128 {
        bytes_to_bits(&self.bytes, self.width())
    }

    /// The bits read as a two's complement integer of the width, sign-extended: the value
    /// of an `int`.
    ///
    /// ```
    /// let a = shm_atomics::atomic(1, shm_atomics::AType::Uint)?;
    /// a.store(255)?;
    /// assert_eq!(a.load()?.as_i128(), -1);
    /// assert_eq!(a.load()?.as_u128(), 255);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn as_i128(&self) -> i128 {
        let shift = 128 - 8 * self.width() as u32;
        ((self.bits() << shift) as i128) >> shift
    }

    /// The bits zero-extended: the value of a `uint`.
    pub fn as_u128(&self) -> u128 {
        self.bits()
    }

    /// The memory bytes, `width` of them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.width().min(16)]
    }

    /// The memory bytes in a 16-byte array (zero after the width), for `no_std` code that
    /// needs an owned copy.
    pub const fn to_bytes(&self) -> [u8; 16] {
        self.bytes
    }

    /// Whether any bit is set (the value of a `bool`).
    pub fn as_bool(&self) -> bool {
        self.bits() != 0
    }

    /// The value of a `float` (an `f32` widened exactly); `None` for other kinds.
    pub fn as_f64(&self) -> Option<f64> {
        match (self.kind, self.width) {
            (Kind::Float, 4) => Some(f32::from_bits(self.bits() as u32) as f64),
            (Kind::Float, 8) => Some(f64::from_bits(self.bits() as u64)),
            _ => None,
        }
    }

    /// The value as the typed `T`, if `T` has this width and kind.
    ///
    /// ```
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
            Kind::Float if self.width == 4 => {
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
            .field("width", &self.width)
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
fn val<T: Value>(bits: u128) -> T {
    T::from_raw(<RawOf<T> as RawInt>::from_u128_truncate(bits))
}

/// The storage bits of a value, zero-extended.
#[inline(always)]
fn bits<T: Value>(v: T) -> u128 {
    v.into_raw().to_u128()
}

/// The typed cell behind a dynamic atomic: a writable atomic or a read-only view.
/// `int`, `uint` and `bytes` use the unsigned integer of the width (their operations are
/// the same on the bits); `bool` and floats use their own types for logical operations
/// and float arithmetic.
#[derive(Clone, Copy)]
enum Cell<'a> {
    U8(&'a Atomic<u8>),
    U16(&'a Atomic<u16>),
    U32(&'a Atomic<u32>),
    U64(&'a Atomic<u64>),
    U128(&'a Atomic<u128>),
    Bool(&'a Atomic<bool>),
    F32(&'a Atomic<f32>),
    F64(&'a Atomic<f64>),
    R8(ReadOnly<'a, u8>),
    R16(ReadOnly<'a, u16>),
    R32(ReadOnly<'a, u32>),
    R64(ReadOnly<'a, u64>),
    R128(ReadOnly<'a, u128>),
    RBool(ReadOnly<'a, bool>),
    RF32(ReadOnly<'a, f32>),
    RF64(ReadOnly<'a, f64>),
}

/// Runs `$body` with `$a` bound to the typed cell if it is one of the listed variants,
/// else evaluates `$other`. `$body` is expanded once per variant, each with its own type.
macro_rules! on {
    ($cell:expr, [$($v:ident)*], |$a:ident| $body:expr, else $other:expr) => {
        match $cell {
            $(Cell::$v($a) => $body,)*
            #[allow(unreachable_patterns)]
            _ => $other,
        }
    };
    (@ [$($v:ident)*], $cell:expr, |$a:ident| $body:expr, else $other:expr) => {
        on!($cell, [$($v)*], |$a| $body, else $other)
    };
}

/// Writable cells of every kind.
macro_rules! writable {
    ($($t:tt)*) => { on!(@ [U8 U16 U32 U64 U128 Bool F32 F64], $($t)*) };
}
/// Writable cells with bit operations.
macro_rules! bitwise {
    ($($t:tt)*) => { on!(@ [U8 U16 U32 U64 U128 Bool], $($t)*) };
}
/// Writable cells with arithmetic.
macro_rules! arith {
    ($($t:tt)*) => { on!(@ [U8 U16 U32 U64 U128 F32 F64], $($t)*) };
}
/// Writable integer cells.
macro_rules! int {
    ($($t:tt)*) => { on!(@ [U8 U16 U32 U64 U128], $($t)*) };
}

/// A dynamic atomic's cell and kind: every operation's implementation.
#[derive(Clone, Copy)]
struct Core<'a> {
    cell: Cell<'a>,
    kind: Kind,
}

impl<'a> Core<'a> {
    #[inline]
    fn width(self) -> usize {
        use Cell::*;
        match self.cell {
            U8(_) | Bool(_) | R8(_) | RBool(_) => 1,
            U16(_) | R16(_) => 2,
            U32(_) | F32(_) | R32(_) | RF32(_) => 4,
            U64(_) | F64(_) | R64(_) | RF64(_) => 8,
            U128(_) | R128(_) => 16,
        }
    }

    #[inline]
    fn readonly(self) -> bool {
        use Cell::*;
        matches!(
            self.cell,
            R8(_) | R16(_) | R32(_) | R64(_) | R128(_) | RBool(_) | RF32(_) | RF64(_)
        )
    }

    #[inline]
    fn ops_supported(self) -> OpSet {
        let ops = self.kind.ops_supported();
        if self.readonly() {
            ops.intersection(OpSet::READ_ONLY)
        } else {
            ops
        }
    }

    fn unsupported(self, op: OpType) -> Error {
        UnsupportedOperation {
            op,
            kind: self.kind,
            readonly: self.readonly() && self.kind.ops_supported().contains(op),
        }
        .into()
    }

    /// `UnsupportedOperation` unless this kind and view offer `op`.
    #[inline]
    fn check(self, op: OpType) -> Result<(), Error> {
        if self.ops_supported().contains(op) {
            Ok(())
        } else {
            Err(self.unsupported(op))
        }
    }

    #[inline]
    fn value(self, bits: u128) -> DynValue {
        DynValue::from_bits(bits, self.width(), self.kind)
    }

    #[inline]
    fn encode(self, v: Operand) -> Result<u128, Error> {
        v.encode(self.width(), self.kind)
    }

    /// The value, loaded with `SeqCst` (for `Display`, which cannot fail).
    fn peek(self) -> DynValue {
        let b = on!(self.cell, [U8 U16 U32 U64 U128 Bool F32 F64 R8 R16 R32 R64 R128 RBool RF32 RF64],
            |a| bits(a.load()), else 0);
        self.value(b)
    }

    #[inline]
    fn load(self, o: MemoryOrder) -> Result<DynValue, Error> {
        self.check(OpType::Load)?;
        let b = on!(self.cell, [U8 U16 U32 U64 U128 Bool F32 F64 R8 R16 R32 R64 R128 RBool RF32 RF64],
            |a| a.load_explicit(o).map(bits), else Err(self.unsupported(OpType::Load)))?;
        Ok(self.value(b))
    }

    /// Every read-modify-write and store: returns the previous value for fetch forms and
    /// `exchange`, zero bits otherwise.
    #[inline]
    fn modify(self, op: OpType, v: Option<Operand>, o: MemoryOrder) -> Result<DynValue, Error> {
        use OpType::*;
        self.check(op)?;
        let x = match v {
            Some(v) => self.encode(v)?,
            None => 0,
        };
        let no = || Err(self.unsupported(op));
        let c = self.cell;
        let b = match op {
            Store => writable!(c, |a| a.store_explicit(val(x), o).map(|()| 0), else no()),
            Exchange => writable!(c, |a| Ok(bits(a.exchange_explicit(val(x), o))), else no()),
            BinOr => bitwise!(c, |a| { a.bin_or_explicit(val(x), o); Ok(0) }, else no()),
            BinXor => bitwise!(c, |a| { a.bin_xor_explicit(val(x), o); Ok(0) }, else no()),
            BinAnd => bitwise!(c, |a| { a.bin_and_explicit(val(x), o); Ok(0) }, else no()),
            BinNot => bitwise!(c, |a| { a.bin_not_explicit(o); Ok(0) }, else no()),
            BinFetchOr => bitwise!(c, |a| Ok(bits(a.bin_fetch_or_explicit(val(x), o))), else no()),
            BinFetchXor => {
                bitwise!(c, |a| Ok(bits(a.bin_fetch_xor_explicit(val(x), o))), else no())
            }
            BinFetchAnd => {
                bitwise!(c, |a| Ok(bits(a.bin_fetch_and_explicit(val(x), o))), else no())
            }
            BinFetchNot => bitwise!(c, |a| Ok(bits(a.bin_fetch_not_explicit(o))), else no()),
            Add => arith!(c, |a| { a.add_explicit(val(x), o); Ok(0) }, else no()),
            Sub => arith!(c, |a| { a.sub_explicit(val(x), o); Ok(0) }, else no()),
            Neg => arith!(c, |a| { a.neg_explicit(o); Ok(0) }, else no()),
            FetchAdd => arith!(c, |a| Ok(bits(a.fetch_add_explicit(val(x), o))), else no()),
            FetchSub => arith!(c, |a| Ok(bits(a.fetch_sub_explicit(val(x), o))), else no()),
            FetchNeg => arith!(c, |a| Ok(bits(a.fetch_neg_explicit(o))), else no()),
            Inc => int!(c, |a| { a.inc_explicit(o); Ok(0) }, else no()),
            Dec => int!(c, |a| { a.dec_explicit(o); Ok(0) }, else no()),
            FetchInc => int!(c, |a| Ok(bits(a.fetch_inc_explicit(o))), else no()),
            FetchDec => int!(c, |a| Ok(bits(a.fetch_dec_explicit(o))), else no()),
            _ => no(),
        }?;
        Ok(self.value(b))
    }

    #[inline]
    fn bit(self, op: OpType, bit: u32, o: MemoryOrder) -> Result<bool, Error> {
        self.check(op)?;
        let no = || Err(self.unsupported(op));
        let c = self.cell;
        match op {
            OpType::BitTest => on!(c, [U8 U16 U32 U64 U128 Bool R8 R16 R32 R64 R128 RBool],
                |a| a.bit_test_explicit(bit, o), else no()),
            OpType::BitSet => bitwise!(c, |a| a.bit_set_explicit(bit, o), else no()),
            OpType::BitReset => bitwise!(c, |a| a.bit_reset_explicit(bit, o), else no()),
            OpType::BitCompl => bitwise!(c, |a| a.bit_compl_explicit(bit, o), else no()),
            _ => no(),
        }
    }

    /// Compare-exchange on storage bits already encoded; `(success, found bits)`.
    fn cas(
        self,
        op: OpType,
        e: u128,
        d: u128,
        s: MemoryOrder,
        f: MemoryOrder,
    ) -> Result<(bool, u128), Error> {
        let weak = op == OpType::CmpxchgWeak;
        writable!(self.cell, |a| {
            let r = if weak {
                a.cmpxchg_weak_explicit(val(e), val(d), s, f)
            } else {
                a.cmpxchg_strong_explicit(val(e), val(d), s, f)
            };
            r.map(|r| (r.success, bits(r.expected)))
        }, else Err(self.unsupported(op)))
    }

    fn cmpxchg(
        self,
        op: OpType,
        expected: Operand,
        desired: Operand,
        s: MemoryOrder,
        f: MemoryOrder,
    ) -> Result<CmpxchgResult<DynValue>, Error> {
        self.check(op)?;
        let (e, d) = (self.encode(expected)?, self.encode(desired)?);
        let (success, found) = self.cas(op, e, d, s, f)?;
        Ok(CmpxchgResult {
            success,
            expected: self.value(found),
        })
    }

    /// The compare-exchange loop of `swap` / `swap_vals`: `(old, new)`. An operand from
    /// `f` that does not fit stops the loop with its error, writing nothing.
    fn update(
        self,
        op: OpType,
        f: &mut dyn FnMut(DynValue) -> Operand,
        order: MemoryOrder,
    ) -> Result<(DynValue, DynValue), Error> {
        self.check(op)?;
        let fail = order.strongest_fail_order();
        let mut cur = self.load(fail)?.bits();
        loop {
            let old = self.value(cur);
            let new = self.encode(f(old))?;
            match self.cas(OpType::CmpxchgWeak, cur, new, order, fail)? {
                (true, _) => return Ok((old, self.value(new))),
                (false, now) => cur = now,
            }
        }
    }

    fn fmt(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            Kind::Int => "AtomicInt",
            Kind::Uint => "AtomicUint",
            Kind::Bytes => "AtomicBytes",
            Kind::Bool => "AtomicBool",
            Kind::Float => "AtomicFloat",
        };
        write!(
            f,
            "{name}(value={}, width={}, readonly={}",
            self.peek(),
            self.width(),
            self.readonly()
        )?;
        match self.kind {
            Kind::Int | Kind::Uint => write!(f, ", signed={})", self.kind == Kind::Int),
            _ => f.write_str(")"),
        }
    }
}

/// One operation in its `SeqCst` form and its `_explicit` form, by shape: `fetch` (an
/// operand, returns the previous value), `void` (an operand, returns nothing), `fetch0`
/// and `void0` (no operand), `bit` (a bit index, returns the previous bit).
macro_rules! op_pair {
    (@explicit_doc $name:ident) => {
        concat!(
            "[`",
            stringify!($name),
            "`](Self::",
            stringify!($name),
            ") with an explicit \
             memory order, validated as the typed API validates it."
        )
    };
    (fetch $doc:literal $name:ident $explicit:ident $op:ident) => {
        #[doc = $doc]
        #[inline]
        pub fn $name(&self, v: impl Into<Operand>) -> Result<DynValue, Error> {
            self.$explicit(v, MemoryOrder::SeqCst)
        }
        #[doc = op_pair!(@explicit_doc $name)]
        #[inline]
        pub fn $explicit(
            &self,
            v: impl Into<Operand>,
            order: MemoryOrder,
        ) -> Result<DynValue, Error> {
            self.core().modify(OpType::$op, Some(v.into()), order)
        }
    };
    (void $doc:literal $name:ident $explicit:ident $op:ident) => {
        #[doc = $doc]
        #[inline]
        pub fn $name(&self, v: impl Into<Operand>) -> Result<(), Error> {
            self.$explicit(v, MemoryOrder::SeqCst)
        }
        #[doc = op_pair!(@explicit_doc $name)]
        #[inline]
        pub fn $explicit(&self, v: impl Into<Operand>, order: MemoryOrder) -> Result<(), Error> {
            self.core()
                .modify(OpType::$op, Some(v.into()), order)
                .map(|_| ())
        }
    };
    (fetch0 $doc:literal $name:ident $explicit:ident $op:ident) => {
        #[doc = $doc]
        #[inline]
        pub fn $name(&self) -> Result<DynValue, Error> {
            self.$explicit(MemoryOrder::SeqCst)
        }
        #[doc = op_pair!(@explicit_doc $name)]
        #[inline]
        pub fn $explicit(&self, order: MemoryOrder) -> Result<DynValue, Error> {
            self.core().modify(OpType::$op, None, order)
        }
    };
    (void0 $doc:literal $name:ident $explicit:ident $op:ident) => {
        #[doc = $doc]
        #[inline]
        pub fn $name(&self) -> Result<(), Error> {
            self.$explicit(MemoryOrder::SeqCst)
        }
        #[doc = op_pair!(@explicit_doc $name)]
        #[inline]
        pub fn $explicit(&self, order: MemoryOrder) -> Result<(), Error> {
            self.core().modify(OpType::$op, None, order).map(|_| ())
        }
    };
    (bit $doc:literal $name:ident $explicit:ident $op:ident) => {
        #[doc = $doc]
        #[inline]
        pub fn $name(&self, bit: u32) -> Result<bool, Error> {
            self.$explicit(bit, MemoryOrder::SeqCst)
        }
        #[doc = op_pair!(@explicit_doc $name)]
        #[inline]
        pub fn $explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
            self.core().bit(OpType::$op, bit, order)
        }
    };
}

/// The methods [`DynAtomic`] and [`DynAtomicView`] share, in terms of `self.core()`.
macro_rules! dyn_methods {
    () => {
        /// The width in bytes: 1, 2, 4, 8 or 16.
        pub fn width(&self) -> usize {
            self.core().width()
        }

        /// Whether the kind is `int` (a signed integer).
        pub fn signed(&self) -> bool {
            self.core().kind == Kind::Int
        }

        /// Whether only `load` and `bit_test` are offered (a view of a read-only region).
        pub fn readonly(&self) -> bool {
            self.core().readonly()
        }

        /// The kind.
        pub fn kind(&self) -> Kind {
            self.core().kind
        }

        /// The atype, if the kind has one (`None` for `bool` and floats).
        pub fn atype(&self) -> Option<AType> {
            AType::from_kind(self.core().kind)
        }

        /// Exactly the operations that succeed (given valid operands and orders): the
        /// kind's operations, and of those only `load` and `bit_test` when read-only.
        pub fn ops_supported(&self) -> OpSet {
            self.core().ops_supported()
        }

        /// Loads the value (`SeqCst`).
        #[inline]
        pub fn load(&self) -> Result<DynValue, Error> {
            self.core().load(MemoryOrder::SeqCst)
        }

        /// Loads the value with `Relaxed`, `Acquire` or `SeqCst`.
        #[inline]
        pub fn load_explicit(&self, order: MemoryOrder) -> Result<DynValue, Error> {
            self.core().load(order)
        }

        op_pair!(void "Stores `v`." store store_explicit Store);
        op_pair!(fetch "Stores `v` and returns the previous value."
            exchange exchange_explicit Exchange);

        /// Writes `desired` if the value is `expected`; may fail spuriously. The result
        /// holds the value found. Both operands must fit.
        pub fn cmpxchg_weak(
            &self,
            expected: impl Into<Operand>,
            desired: impl Into<Operand>,
        ) -> Result<CmpxchgResult<DynValue>, Error> {
            self.cmpxchg_weak_explicit(expected, desired, MemoryOrder::SeqCst, MemoryOrder::SeqCst)
        }

        /// [`cmpxchg_weak`](Self::cmpxchg_weak) with a success order (any) and a failure
        /// order (`Relaxed`, `Acquire` or `SeqCst`, not stronger than `success`).
        pub fn cmpxchg_weak_explicit(
            &self,
            expected: impl Into<Operand>,
            desired: impl Into<Operand>,
            success: MemoryOrder,
            failure: MemoryOrder,
        ) -> Result<CmpxchgResult<DynValue>, Error> {
            let (e, d) = (expected.into(), desired.into());
            self.core().cmpxchg(OpType::CmpxchgWeak, e, d, success, failure)
        }

        /// Writes `desired` if the value is `expected`; fails only if it is not. The
        /// result holds the value found. Both operands must fit.
        pub fn cmpxchg_strong(
            &self,
            expected: impl Into<Operand>,
            desired: impl Into<Operand>,
        ) -> Result<CmpxchgResult<DynValue>, Error> {
            self.cmpxchg_strong_explicit(
                expected,
                desired,
                MemoryOrder::SeqCst,
                MemoryOrder::SeqCst,
            )
        }

        /// [`cmpxchg_strong`](Self::cmpxchg_strong) with a success order (any) and a
        /// failure order (`Relaxed`, `Acquire` or `SeqCst`, not stronger than `success`).
        pub fn cmpxchg_strong_explicit(
            &self,
            expected: impl Into<Operand>,
            desired: impl Into<Operand>,
            success: MemoryOrder,
            failure: MemoryOrder,
        ) -> Result<CmpxchgResult<DynValue>, Error> {
            let (e, d) = (expected.into(), desired.into());
            self.core().cmpxchg(OpType::CmpxchgStrong, e, d, success, failure)
        }

        /// Replaces the value with `f(value)` in a compare-exchange loop and returns the
        /// new value. `f` may run more than once; if its result does not fit, nothing is
        /// written and the [`OperandError`] is returned.
        pub fn swap<F, R>(&self, f: F) -> Result<DynValue, Error>
        where
            F: FnMut(DynValue) -> R,
            R: Into<Operand>,
        {
            self.swap_explicit(f, MemoryOrder::SeqCst)
        }

        /// [`swap`](Self::swap) with any order.
        pub fn swap_explicit<F, R>(&self, mut f: F, order: MemoryOrder) -> Result<DynValue, Error>
        where
            F: FnMut(DynValue) -> R,
            R: Into<Operand>,
        {
            let (_, new) = self.core().update(OpType::UpdateFetch, &mut |v| f(v).into(), order)?;
            Ok(new)
        }

        /// Like [`swap`](Self::swap), returning `(old, new)`.
        pub fn swap_vals<F, R>(&self, f: F) -> Result<(DynValue, DynValue), Error>
        where
            F: FnMut(DynValue) -> R,
            R: Into<Operand>,
        {
            self.swap_vals_explicit(f, MemoryOrder::SeqCst)
        }

        /// [`swap_vals`](Self::swap_vals) with any order.
        pub fn swap_vals_explicit<F, R>(
            &self,
            mut f: F,
            order: MemoryOrder,
        ) -> Result<(DynValue, DynValue), Error>
        where
            F: FnMut(DynValue) -> R,
            R: Into<Operand>,
        {
            self.core().update(OpType::UpdateVals, &mut |v| f(v).into(), order)
        }

        op_pair!(bit "Reads bit `bit` (bit `bit % 8` of byte `bit / 8` in memory); \
            `BitIndexError` past the width." bit_test bit_test_explicit BitTest);
        op_pair!(bit "Sets bit `bit` and returns its previous value."
            bit_set bit_set_explicit BitSet);
        op_pair!(bit "Clears bit `bit` and returns its previous value."
            bit_reset bit_reset_explicit BitReset);
        op_pair!(bit "Flips bit `bit` and returns its previous value."
            bit_compl bit_compl_explicit BitCompl);

        op_pair!(void "Bitwise or with `v` (logical for `bool`)." bin_or bin_or_explicit BinOr);
        op_pair!(void "Bitwise xor with `v` (logical for `bool`)." bin_xor bin_xor_explicit BinXor);
        op_pair!(void "Bitwise and with `v` (logical for `bool`)." bin_and bin_and_explicit BinAnd);
        op_pair!(void0 "Bitwise not (logical for `bool`)." bin_not bin_not_explicit BinNot);
        op_pair!(fetch "Bitwise or with `v`, returning the previous value."
            bin_fetch_or bin_fetch_or_explicit BinFetchOr);
        op_pair!(fetch "Bitwise xor with `v`, returning the previous value."
            bin_fetch_xor bin_fetch_xor_explicit BinFetchXor);
        op_pair!(fetch "Bitwise and with `v`, returning the previous value."
            bin_fetch_and bin_fetch_and_explicit BinFetchAnd);
        op_pair!(fetch0 "Bitwise not, returning the previous value."
            bin_fetch_not bin_fetch_not_explicit BinFetchNot);

        op_pair!(void "Adds `v`, wrapping on overflow (IEEE for floats)." add add_explicit Add);
        op_pair!(void "Subtracts `v`, wrapping on overflow (IEEE for floats)."
            sub sub_explicit Sub);
        op_pair!(void0 "Adds one, wrapping (integers only)." inc inc_explicit Inc);
        op_pair!(void0 "Subtracts one, wrapping (integers only)." dec dec_explicit Dec);
        op_pair!(void0 "Negates, wrapping (`MIN` stays `MIN`; a `uint` becomes `0 - v`)."
            neg neg_explicit Neg);
        op_pair!(fetch "Adds `v`, wrapping, and returns the previous value."
            fetch_add fetch_add_explicit FetchAdd);
        op_pair!(fetch "Subtracts `v`, wrapping, and returns the previous value."
            fetch_sub fetch_sub_explicit FetchSub);
        op_pair!(fetch0 "Adds one, wrapping, and returns the previous value (integers only)."
            fetch_inc fetch_inc_explicit FetchInc);
        op_pair!(fetch0 "Subtracts one, wrapping, and returns the previous value (integers \
            only)." fetch_dec fetch_dec_explicit FetchDec);
        op_pair!(fetch0 "Negates, wrapping, and returns the previous value."
            fetch_neg fetch_neg_explicit FetchNeg);
    };
}

/// The owned storage of a [`DynAtomic`].
enum Owned {
    U8(Atomic<u8>),
    U16(Atomic<u16>),
    U32(Atomic<u32>),
    U64(Atomic<u64>),
    U128(Atomic<u128>),
    Bool(Atomic<bool>),
    F32(Atomic<f32>),
    F64(Atomic<f64>),
}

/// An owned atomic whose width and kind are chosen at run time: correctly aligned,
/// zero-initialised storage of 1, 2, 4, 8 or 16 bytes. Made by [`atomic`] (or
/// [`DynAtomic::with_kind`] for `bool` and floats).
///
/// It offers every operation of [`Atomic<T>`](crate::Atomic) under the same names, with
/// [`Operand`]s in and [`DynValue`]s out; what its kind lacks returns
/// [`UnsupportedOperation`] (see [`ops_supported`](Self::ops_supported)), and an operand
/// that does not fit returns [`OperandError`]. A 16-byte `DynAtomic` works whether or not
/// 16-byte atomics are lock-free here, like an owned `Atomic<u128>`: it is not shared
/// memory. `Display` reads like Python's `repr`.
///
/// ```
/// use shm_atomics::{AType, Error, OpType, atomic};
///
/// let a = atomic(4, AType::Int)?;
/// assert_eq!(a.to_string(), "AtomicInt(value=0, width=4, readonly=false, signed=true)");
/// a.store(i32::MAX)?;
/// assert_eq!(a.fetch_inc()?, i32::MAX);
/// assert_eq!(a.load()?, i32::MIN); // wraps
/// assert!(a.cmpxchg_strong(i32::MIN, -1)?.success);
/// assert!(matches!(a.store(1i64 << 31), Err(Error::Operand(_)))); // never truncated
///
/// let b = atomic(2, AType::Bytes)?;
/// b.store(b"ok")?;
/// assert_eq!(b.to_string(), "AtomicBytes(value=b'ok', width=2, readonly=false)");
/// assert!(matches!(b.add(1), Err(Error::UnsupportedOperation(e)) if e.op == OpType::Add));
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub struct DynAtomic {
    cell: Owned,
    kind: Kind,
}

impl DynAtomic {
    /// A zero-initialised atomic of `width` bytes and `atype`; [`UnsupportedWidth`]
    /// unless the width is 1, 2, 4, 8 or 16. The same as [`atomic`].
    pub fn new(width: usize, atype: AType) -> Result<DynAtomic, Error> {
        Self::with_kind(width, atype.kind())
    }

    /// A zero-initialised atomic of `width` bytes and any [`Kind`]: `bool` has width 1,
    /// floats 4 or 8, the others 1, 2, 4, 8 or 16; any other width is
    /// [`UnsupportedWidth`].
    ///
    /// ```
    /// use shm_atomics::{DynAtomic, Kind};
    ///
    /// let x = DynAtomic::with_kind(8, Kind::Float)?;
    /// x.add(1.5)?;
    /// assert_eq!(x.fetch_sub(2)?, 1.5);
    /// assert_eq!(x.load()?.as_f64(), Some(-0.5));
    /// assert!(x.bin_or(1.0).is_err()); // no bit operations on floats
    ///
    /// let up = DynAtomic::with_kind(1, Kind::Bool)?;
    /// assert_eq!(up.bin_fetch_or(true)?, false);
    /// assert_eq!(up.to_string(), "AtomicBool(value=true, width=1, readonly=false)");
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn with_kind(width: usize, kind: Kind) -> Result<DynAtomic, Error> {
        let cell = match (kind, width) {
            (Kind::Bool, 1) => Owned::Bool(Atomic::new(false)),
            (Kind::Float, 4) => Owned::F32(Atomic::new(0.0)),
            (Kind::Float, 8) => Owned::F64(Atomic::new(0.0)),
            (Kind::Bool | Kind::Float, _) => return Err(not_a_width(width)),
            (_, 1) => Owned::U8(Atomic::new(0)),
            (_, 2) => Owned::U16(Atomic::new(0)),
            (_, 4) => Owned::U32(Atomic::new(0)),
            (_, 8) => Owned::U64(Atomic::new(0)),
            (_, 16) => Owned::U128(Atomic::new(0)),
            _ => return Err(not_a_width(width)),
        };
        Ok(DynAtomic { cell, kind })
    }

    /// A view of this atomic (what a [`DynAtomicView`] offers, borrowed).
    pub fn view(&self) -> DynAtomicView<'_> {
        DynAtomicView { core: self.core() }
    }

    #[inline]
    fn core(&self) -> Core<'_> {
        let cell = match &self.cell {
            Owned::U8(a) => Cell::U8(a),
            Owned::U16(a) => Cell::U16(a),
            Owned::U32(a) => Cell::U32(a),
            Owned::U64(a) => Cell::U64(a),
            Owned::U128(a) => Cell::U128(a),
            Owned::Bool(a) => Cell::Bool(a),
            Owned::F32(a) => Cell::F32(a),
            Owned::F64(a) => Cell::F64(a),
        };
        Core {
            cell,
            kind: self.kind,
        }
    }

    dyn_methods!();
}

fn not_a_width(width: usize) -> Error {
    UnsupportedWidth {
        width,
        reason: WidthReason::NotAWidth,
    }
    .into()
}

/// A dynamic atomic over memory someone else owns: a [`Region`] whose length is the
/// width (as a Python view's width is its buffer's size). Made by [`atomicview`] (or
/// [`DynAtomicView::with_kind`]).
///
/// It offers the operations of [`DynAtomic`]. On a read-only region (e.g.
/// [`Region::from_ref`]) only `load` and `bit_test` are offered; every write returns
/// [`UnsupportedOperation`] with `readonly: true`. The view borrows the region's memory
/// for `'a`, so it cannot outlive it.
///
/// ```
/// use shm_atomics::{AType, Error, Region, atomicview};
///
/// #[repr(C, align(8))]
/// struct Buf([u8; 16]);
/// let mut buf = Buf([0; 16]);
/// let region = Region::new(&mut buf.0);
///
/// let counter = atomicview(region.subregion(8, 8)?, AType::Uint)?;
/// counter.add(41)?;
/// assert_eq!(counter.fetch_inc()?, 41);
/// assert_eq!(region.read_at::<u64>(8)?.load(), 42);
/// assert!(atomicview(region.subregion(4, 8)?, AType::Uint).is_err()); // misaligned
///
/// let ro = atomicview(region.subregion(8, 8)?.to_readonly(), AType::Uint)?;
/// assert_eq!(ro.load()?, 42u64);
/// assert!(matches!(ro.inc(), Err(Error::UnsupportedOperation(e)) if e.readonly));
/// assert_eq!(ro.to_string(), "AtomicUint(value=42, width=8, readonly=true, signed=false)");
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct DynAtomicView<'a> {
    core: Core<'a>,
}

impl<'a> DynAtomicView<'a> {
    /// A view of `region` as `atype`; the same as [`atomicview`].
    pub fn new(region: Region<'a>, atype: AType) -> Result<DynAtomicView<'a>, Error> {
        Self::with_kind(region, atype.kind())
    }

    /// A view of `region` as any [`Kind`] (e.g. a field read from a segment descriptor).
    /// Errors: [`UnsupportedWidth`] if the region's length is not a width of the kind
    /// (see [`DynAtomic::with_kind`]) or, for 16 bytes, not lock-free (or, read-only,
    /// not loadable without writing); an [`AlignmentError`](crate::AlignmentError) if
    /// the region is not aligned to its width.
    ///
    /// ```
    /// use shm_atomics::{DynAtomicView, Kind, Region};
    ///
    /// #[repr(align(4))]
    /// struct Buf([u8; 4]);
    /// let buf = Buf(2.5f32.to_ne_bytes());
    /// let v = DynAtomicView::with_kind(Region::from_ref(&buf.0), Kind::Float)?;
    /// assert_eq!(v.load()?, 2.5f32);
    /// assert_eq!(v.to_string(), "AtomicFloat(value=2.5, width=4, readonly=true)");
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn with_kind(region: Region<'a>, kind: Kind) -> Result<DynAtomicView<'a>, Error> {
        let ro = region.is_readonly();
        macro_rules! pick {
            ($t:ty, $w:ident, $r:ident) => {
                if ro {
                    Cell::$r(region.read_at::<$t>(0)?)
                } else {
                    Cell::$w(region.atomic_at::<$t>(0)?)
                }
            };
        }
        let width = region.len();
        let cell = match (kind, width) {
            (Kind::Bool, 1) => pick!(bool, Bool, RBool),
            (Kind::Float, 4) => pick!(f32, F32, RF32),
            (Kind::Float, 8) => pick!(f64, F64, RF64),
            (Kind::Bool | Kind::Float, _) => return Err(not_a_width(width)),
            (_, 1) => pick!(u8, U8, R8),
            (_, 2) => pick!(u16, U16, R16),
            (_, 4) => pick!(u32, U32, R32),
            (_, 8) => pick!(u64, U64, R64),
            (_, 16) => pick!(u128, U128, R128),
            _ => return Err(not_a_width(width)),
        };
        Ok(DynAtomicView {
            core: Core { cell, kind },
        })
    }

    fn core(&self) -> Core<'a> {
        self.core
    }

    dyn_methods!();
}

/// A zero-initialised owned atomic of `width` bytes (1, 2, 4, 8 or 16) and `atype`, as
/// Python's `atomics.atomic(width=.., atype=..)`. See [`DynAtomic`].
///
/// ```
/// use shm_atomics::{AType, Error, WidthReason, atomic};
///
/// let a = atomic(8, AType::Uint)?;
/// a.store(u64::MAX)?;
/// assert_eq!(a.fetch_add(1)?, u64::MAX);
/// assert_eq!(a.load()?, 0);
/// assert!(matches!(atomic(3, AType::Uint),
///     Err(Error::UnsupportedWidth(e)) if e.reason == WidthReason::NotAWidth));
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub fn atomic(width: usize, atype: AType) -> Result<DynAtomic, Error> {
    DynAtomic::new(width, atype)
}

/// A view of `region` as an atomic of `atype` whose width is the region's length, as
/// Python's `atomics.atomicview(buffer=.., atype=..)`. See [`DynAtomicView`].
///
/// ```
/// use shm_atomics::{AType, Region, atomicview};
///
/// let mut byte = [0u8; 1];
/// let v = atomicview(Region::new(&mut byte), AType::Int)?;
/// v.sub(1)?;
/// assert_eq!(v.load()?, -1);
/// assert!(v.store(128).is_err()); // does not fit a 1-byte int
/// assert_eq!(byte, [0xff]);
/// # Ok::<(), shm_atomics::Error>(())
/// ```
pub fn atomicview(region: Region<'_>, atype: AType) -> Result<DynAtomicView<'_>, Error> {
    DynAtomicView::new(region, atype)
}

impl fmt::Display for DynAtomic {
    /// Like Python's `repr`: `AtomicInt(value=0, width=4, readonly=false, signed=true)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core().fmt(f)
    }
}

impl fmt::Debug for DynAtomic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core().fmt(f)
    }
}

impl fmt::Display for DynAtomicView<'_> {
    /// Like Python's `repr`: `AtomicBytes(value=b'\x00\x00', width=2, readonly=true)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt(f)
    }
}

impl fmt::Debug for DynAtomicView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt(f)
    }
}
