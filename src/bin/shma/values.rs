//! Values on the command line: parsing VALUE by the field's kind, and writing values as
//! text and JSON.

use std::fmt::Write as _;

use shm_atomics::{DynValue, Kind, Operand};

use crate::Result;

/// The long help of `set`: how VALUE is parsed.
pub const SET_ABOUT: &str = "Store a value into one field (the file is opened read-write). \
    VALUE is parsed by the field's kind:\n\
    \x20 int, uint: decimal, or hexadecimal after 0x (-0x for negative ints), e.g. 42, -7, 0xff\n\
    \x20 float:     a decimal float (1.5, -2e-3, 7), inf, -inf or NaN; an f32 field takes the \
    nearest f32\n\
    \x20 bool:      true, false, 1 or 0\n\
    \x20 bytes:     0x and exactly two hex digits per byte of the field (0x0102...), or else \
    text: its UTF-8 bytes, padded with zero bytes to the field's width (longer text is \
    refused; to store text starting with 0x, give its hex)\n\
    A value that does not fit the field's width is refused, as the library refuses it.";

/// Parses a signed integer: decimal or `0x` hex, optional sign.
pub fn parse_int(s: &str) -> Result<i128> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let magnitude = parse_uint(digits).map_err(|_| format!("{s:?} is not an integer"))?;
    let v = if neg {
        0i128.checked_sub_unsigned(magnitude)
    } else {
        i128::try_from(magnitude).ok()
    };
    v.ok_or_else(|| format!("{s:?} is out of range for any integer (128 bits)"))
}

/// Parses an unsigned integer: decimal or `0x` hex.
pub fn parse_uint(s: &str) -> Result<u128> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    // `from_str_radix` accepts a leading `+`; only digits are allowed here.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(format!("{s:?} is not an unsigned integer"));
    }
    u128::from_str_radix(digits, radix)
        .map_err(|_| format!("{s:?} is out of range for any integer (128 bits)"))
}

/// Parses a float; a finite number too large for the type is refused rather than
/// stored as infinity.
fn parse_float<F: std::str::FromStr + Into<f64> + Copy>(s: &str, name: &str) -> Result<F> {
    let v: F = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a float"))?;
    if v.into().is_infinite() && !s.to_ascii_lowercase().contains("inf") {
        return Err(format!("{s:?} is out of range for {name}"));
    }
    Ok(v)
}

/// Parses an `f32`.
pub fn parse_f32(s: &str) -> Result<f32> {
    parse_float(s, "f32")
}

/// Parses an `f64`.
pub fn parse_f64(s: &str) -> Result<f64> {
    parse_float(s, "f64")
}

/// Parses bytes: `0x` hex, or text padded with zero bytes to `width`.
pub fn parse_bytes(s: &str, width: usize) -> Result<Vec<u8>> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.len() % 2 != 0 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "{s:?} is not hex bytes: give 0x and two hex digits per byte"
            ));
        }
        return (0..hex.len())
            .step_by(2)
            .map(|i| {
                u8::from_str_radix(&hex[i..i + 2], 16)
                    .map_err(|_| format!("{s:?} is not hex bytes"))
            })
            .collect();
    }
    let mut b = s.as_bytes().to_vec();
    if b.len() > width {
        return Err(format!(
            "text {s:?} is {} bytes, longer than the field's {width} bytes",
            b.len()
        ));
    }
    b.resize(width, 0);
    Ok(b)
}

/// Parses VALUE for a field of `kind` and `width` (see [`SET_ABOUT`]). Whether it fits
/// the width is left to the library, which refuses it with its own message.
pub fn parse(kind: Kind, width: usize, s: &str) -> Result<Operand> {
    Ok(match kind {
        Kind::Int => Operand::from(parse_int(s)?),
        // A negative value is passed on as such, so the library refuses it as out of range.
        Kind::Uint if s.starts_with('-') => Operand::from(parse_int(s)?),
        Kind::Uint => Operand::from(parse_uint(s)?),
        Kind::Float if width == 4 => Operand::from(parse_f32(s)?),
        Kind::Float => Operand::from(parse_f64(s)?),
        Kind::Bool => match s {
            "true" | "1" => Operand::from(true),
            "false" | "0" => Operand::from(false),
            _ => return Err(format!("{s:?} is not a bool: give true, false, 1 or 0")),
        },
        Kind::Bytes => Operand::from(parse_bytes(s, width)?.as_slice()),
    })
}

/// `0x` and two lowercase hex digits per byte.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A value as text: integers in decimal, bool as `true`/`false`, floats as Rust prints
/// them, bytes as [`hex`]. Valid as VALUE for `set`.
pub fn text(v: &DynValue) -> String {
    match v.kind() {
        Kind::Bytes => hex(v.as_bytes()),
        _ => v.to_string(),
    }
}

/// A value as JSON (see the `inspect` help): numbers, strings for large integers and
/// non-finite floats, bool, hex string for bytes.
pub fn json(v: &DynValue) -> String {
    match v.kind() {
        Kind::Int => crate::json::int_exact(v.as_i128().unsigned_abs(), v.as_i128().to_string()),
        Kind::Uint => crate::json::uint(v.as_u128()),
        Kind::Bool => v.as_bool().to_string(),
        Kind::Bytes => crate::json::string(&hex(v.as_bytes())),
        Kind::Float => match v.as_f64() {
            // `Debug` of a finite float (`1.5`, `1e300`, `-0.0`) is a valid JSON number.
            Some(f) if f.is_finite() => v.to_string(),
            _ => crate::json::string(&v.to_string()),
        },
    }
}

/// The change from `prev` to `now`: for integers of up to 8 bytes the difference
/// modulo 2^bits taken as the nearest value (a counter that wrapped past its maximum
/// moved forward by a small step, it did not fall by 2^bits); for floats the plain
/// difference; `None` for bool, bytes and 16-byte integers (whose modular difference
/// an `f64` rate could not show exactly anyway).
pub fn delta(prev: &DynValue, now: &DynValue) -> Option<f64> {
    match now.kind() {
        Kind::Int | Kind::Uint if now.width() < 16 => {
            let shift = 128 - 8 * now.width() as u32;
            // The storage bits, zero-extended: modular arithmetic ignores signedness,
            // and the shifts below keep only the width and read the result signed.
            let d = now.bits().wrapping_sub(prev.bits()) << shift;
            Some(((d as i128) >> shift) as f64)
        }
        Kind::Float => Some(now.as_f64()? - prev.as_f64()?),
        Kind::Int | Kind::Uint | Kind::Bool | Kind::Bytes => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shm_atomics::{AType, atomic};

    #[test]
    fn integers() {
        assert_eq!(parse_int("42"), Ok(42));
        assert_eq!(parse_int("-7"), Ok(-7));
        assert_eq!(parse_int("+7"), Ok(7));
        assert_eq!(parse_int("0xff"), Ok(255));
        assert_eq!(parse_int("-0x80"), Ok(-128));
        assert_eq!(
            parse_int("-170141183460469231731687303715884105728"),
            Ok(i128::MIN)
        );
        assert!(parse_int("170141183460469231731687303715884105728").is_err());
        assert!(parse_int("").is_err());
        assert!(parse_int("--1").is_err());
        assert!(parse_int("1.5").is_err());
        assert_eq!(parse_uint("0XFF"), Ok(255));
        assert_eq!(parse_uint(&u128::MAX.to_string()), Ok(u128::MAX));
        assert!(parse_uint("+1").is_err());
        assert!(parse_uint("0x").is_err());
    }

    #[test]
    fn floats_and_bytes() {
        assert_eq!(parse_f32("0.1"), Ok(0.1f32));
        assert!(parse_f32("1e40").is_err());
        assert_eq!(parse_f32("inf"), Ok(f32::INFINITY));
        assert!(parse_f64("NaN").unwrap().is_nan());
        assert!(parse_f64("x").is_err());
        assert_eq!(parse_bytes("0x0102", 4), Ok(vec![1, 2]));
        assert_eq!(parse_bytes("hi", 4), Ok(vec![b'h', b'i', 0, 0]));
        assert!(parse_bytes("hello", 4).is_err());
        assert!(parse_bytes("0x012", 4).is_err());
        assert!(parse_bytes("0xzz", 4).is_err());
    }

    #[test]
    fn rendering() -> std::result::Result<(), shm_atomics::Error> {
        let u = atomic(16, AType::Uint)?;
        u.store(1u128 << 53)?;
        assert_eq!(json(&u.load()?), "9007199254740992");
        u.store((1u128 << 53) + 1)?;
        assert_eq!(json(&u.load()?), "\"9007199254740993\"");
        let i = atomic(8, AType::Int)?;
        i.store(-5)?;
        assert_eq!(json(&i.load()?), "-5");
        let b = atomic(2, AType::Bytes)?;
        b.store([0xab, 1])?;
        assert_eq!(json(&b.load()?), "\"0xab01\"");
        assert_eq!(text(&b.load()?), "0xab01");
        let prev = i.load()?;
        i.store(5)?;
        assert_eq!(delta(&prev, &i.load()?), Some(10.0));
        Ok(())
    }

    /// Integer rates are modular in the field's width: a wrap is a small step.
    #[test]
    fn modular_deltas() -> std::result::Result<(), shm_atomics::Error> {
        let step = |width: usize, ty: AType, a: i128, b: i128| {
            let x = atomic(width, ty)?;
            x.store(a)?;
            let before = x.load()?;
            x.store(b)?;
            Ok::<_, shm_atomics::Error>(delta(&before, &x.load()?))
        };
        assert_eq!(step(8, AType::Uint, (u64::MAX - 2).into(), 3)?, Some(6.0));
        assert_eq!(step(8, AType::Uint, 10, 4)?, Some(-6.0));
        assert_eq!(step(1, AType::Uint, 250, 4)?, Some(10.0));
        assert_eq!(
            step(4, AType::Int, i32::MAX.into(), i32::MIN.into())?,
            Some(1.0)
        );
        assert_eq!(step(8, AType::Int, -3, 5)?, Some(8.0));
        assert_eq!(step(16, AType::Uint, 1, 2).unwrap_or(Some(0.0)), None);
        let b = shm_atomics::DynAtomic::with_kind(1, Kind::Bool)?;
        assert_eq!(delta(&b.load()?, &b.load()?), None);
        Ok(())
    }
}
