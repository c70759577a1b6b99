//! Operands of the dynamic API: [`Operand`], converted from any integer, `bool`, float or
//! byte string, and the check that it fits an atomic's width and kind exactly (the
//! storage bits it becomes, or an [`OperandError`]; never a truncation).

use crate::cell::value::Kind;
use crate::cell::width::Width;
use crate::error::{Error, OperandError, OperandValue};
use crate::view::dynamic::values::{DynValue, bytes_to_bits, mask};

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
/// # use shm_atomics_runtime as shm_atomics;
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

    /// The storage bits of this operand for an atomic of `width` and `kind`, or an
    /// [`OperandError`] if it does not fit exactly.
    ///
    /// Inlined into every operation, so it only holds the common cases that fit (an
    /// integer for an integer kind, a float of the width, a `bool`): the operand's variant
    /// is known where it is made, so what remains is a range check. Everything else
    /// (conversions, bytes, errors) is [`encode_other`](Self::encode_other), out of line.
    #[inline(always)]
    pub(super) fn encode(self, width: Width, kind: Kind) -> Result<u128, Error> {
        let mask = mask(width);
        match (kind, self.0) {
            (Kind::Uint, Repr::Uint(v)) if v <= mask => Ok(v),
            (Kind::Uint, Repr::Int(v)) if v >= 0 && v as u128 <= mask => Ok(v as u128),
            (Kind::Int, Repr::Uint(v)) if v <= mask >> 1 => Ok(v),
            (Kind::Int, Repr::Int(v))
                if v >= -((mask >> 1) as i128) - 1 && v <= (mask >> 1) as i128 =>
            {
                Ok(v as u128 & mask)
            }
            (Kind::Int | Kind::Uint | Kind::Bool, Repr::Bool(b)) => Ok(b as u128),
            (Kind::Float, Repr::F64(v)) if width == Width::W8 => Ok(v.to_bits() as u128),
            (Kind::Float, Repr::F32(v)) if width == Width::W4 => Ok(v.to_bits() as u128),
            _ => self.encode_other(width, kind),
        }
    }

    /// [`encode`](Self::encode) for every case: the slow path.
    #[inline(never)]
    fn encode_other(self, width: Width, kind: Kind) -> Result<u128, Error> {
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
            (Kind::Bytes, Repr::Bytes { buf, len }) if len == width.bytes() => {
                Some(bytes_to_bits(&buf, width))
            }
            (Kind::Float, Repr::F32(v)) if width == Width::W4 => Some(v.to_bits() as u128),
            (Kind::Float, Repr::F32(v)) => Some((v as f64).to_bits() as u128),
            (Kind::Float, Repr::F64(v)) if width == Width::W8 => Some(v.to_bits() as u128),
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
                width: width.bytes(),
                kind,
            }
            .into()
        })
    }
}

/// 2^127 as a float (exact).
const TWO_127: f64 = (1u128 << 127) as f64;

/// The bits of the float of `width` bytes equal to `v`, if it represents `v` exactly.
fn int_to_float(v: i128, width: Width) -> Option<u128> {
    // A float at or above 2^127 would saturate back to i128::MAX, so it is excluded.
    if width == Width::W4 {
        let f = v as f32;
        ((f as f64) < TWO_127 && f as i128 == v).then_some(f.to_bits() as u128)
    } else {
        let f = v as f64;
        (f < TWO_127 && f as i128 == v).then_some(f.to_bits() as u128)
    }
}

/// The bits of the float of `width` bytes equal to `v`, if it represents `v` exactly.
fn uint_to_float(v: u128, width: Width) -> Option<u128> {
    // `u128::MAX` rounds to 2^128 (or infinity for f32), which saturates back to MAX.
    if width == Width::W4 {
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
        Operand(match v.kind() {
            Kind::Int => Repr::Int(v.as_i128()),
            Kind::Uint => Repr::Uint(v.as_u128()),
            Kind::Bool => Repr::Bool(v.as_bool()),
            Kind::Float if v.width() == 4 => Repr::F32(f32::from_bits(v.bits() as u32)),
            Kind::Float => Repr::F64(f64::from_bits(v.bits() as u64)),
            Kind::Bytes => {
                return Operand::bytes(v.as_bytes());
            }
        })
    }
}
