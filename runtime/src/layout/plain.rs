//! The [`Plain`] trait: a value whose bytes can be read and written as bytes, what a
//! layout's snapshot twin and a field type's snapshot implement. A small trait of this
//! crate instead of zerocopy's derives: `#[atomic_layout]` emits one `unsafe impl` per
//! layout (a few lines, checks only for fields that can be invalid) where the derives
//! emitted several impls per field and dominated the compile time of large layouts.

use core::fmt;
use core::mem::size_of;

/// A plain value: `Copy`, no padding, every byte initialised, all-zero bytes valid, and
/// an exact test of which byte strings are values. The snapshot twin of every
/// `#[atomic_layout]` struct implements it (the macro writes the impl), and so do the
/// snapshots of the runtime's field types; [`Layout::Snapshot`](crate::Layout::Snapshot)
/// and [`Field::Snapshot`](crate::Field::Snapshot) require it.
///
/// Implemented here for `u8..u128`, `i8..i128`, `f32`, `f64`, `bool` (a byte 0 or 1) and
/// `[T; N]` of a `Plain` `T` (so `[u8; N]` of any `N`).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::Plain;
///
/// assert_eq!(42u32.as_bytes(), &42u32.to_ne_bytes());
/// assert_eq!(u32::try_from_bytes(&7u32.to_ne_bytes()), Some(7));
/// assert_eq!(u32::try_from_bytes(&[1, 2]), None); // wrong length
/// assert_eq!(bool::try_from_bytes(&[2]), None); // not a bool
/// assert_eq!(<[bool; 2]>::try_from_bytes(&[1, 0]), Some([true, false]));
/// assert_eq!(<[u16; 3]>::zeroed(), [0; 3]);
/// ```
///
/// # Safety
///
/// Implementors guarantee:
/// 1. no padding: every byte of every value of `Self` is initialised (so
///    [`as_bytes`](Plain::as_bytes) may read them all);
/// 2. the all-zero bytes are a valid `Self` (so [`zeroed`](Plain::zeroed) may make it);
/// 3. [`is_valid`](Plain::is_valid) returns `true` only when `bytes.len() ==
///    size_of::<Self>()` and the bytes are a valid `Self` (so
///    [`try_from_bytes`](Plain::try_from_bytes) may read them as one);
/// 4. [`ALL_VALID`](Plain::ALL_VALID) is `true` only if every bit pattern of
///    `size_of::<Self>()` bytes is a valid `Self`.
///
/// A type that overrides a provided method keeps the same meaning.
pub unsafe trait Plain: Copy + PartialEq + fmt::Debug + Send + Sync + 'static {
    /// Every bit pattern is a valid `Self` (integers, floats, bytes): arrays of it then
    /// skip the per-element test.
    const ALL_VALID: bool = false;

    /// Whether `bytes` are exactly `size_of::<Self>()` bytes and a valid `Self`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Plain;
    /// assert!(bool::is_valid(&[1]));
    /// assert!(!bool::is_valid(&[3]));
    /// assert!(!u16::is_valid(&[0])); // one byte short
    /// ```
    fn is_valid(bytes: &[u8]) -> bool;

    /// The value's bytes (all initialised: contract 1).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Plain;
    /// assert_eq!([true, false].as_bytes(), &[1, 0]);
    /// ```
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        // SAFETY: `self` is `size_of::<Self>()` readable bytes, all initialised
        // (contract 1), borrowed for the returned lifetime.
        unsafe { core::slice::from_raw_parts(self as *const Self as *const u8, size_of::<Self>()) }
    }

    /// A copy of the value `bytes` hold, or `None` when they are not exactly one valid
    /// `Self` (any alignment).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Plain;
    /// assert_eq!(u16::try_from_bytes(&[0, 0]), Some(0));
    /// assert_eq!(u16::try_from_bytes(&[0, 0, 0]), None);
    /// ```
    #[inline]
    fn try_from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != size_of::<Self>() || !Self::is_valid(bytes) {
            return None;
        }
        // SAFETY: `bytes` are `size_of::<Self>()` initialised bytes that are a valid
        // `Self` (contract 3); `read_unaligned` needs no alignment.
        Some(unsafe { core::ptr::read_unaligned(bytes.as_ptr() as *const Self) })
    }

    /// The value whose bytes are all zero.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Plain;
    /// assert_eq!(f64::zeroed(), 0.0);
    /// assert!(!bool::zeroed());
    /// ```
    #[inline]
    fn zeroed() -> Self {
        // SAFETY: all-zero bytes are a valid `Self` (contract 2).
        unsafe { core::mem::zeroed() }
    }
}

macro_rules! plain_all_valid {
    ($($t:ty),*) => {$(
        // SAFETY: a primitive number has no padding, and every bit pattern (zero
        // included) is a valid value; `is_valid` tests the length only.
        unsafe impl Plain for $t {
            const ALL_VALID: bool = true;
            #[inline]
            fn is_valid(bytes: &[u8]) -> bool {
                bytes.len() == size_of::<Self>()
            }
        }
    )*};
}

plain_all_valid!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, f32, f64);

// SAFETY: a `bool` is one initialised byte; 0 (`false`) and 1 (`true`) are its only
// valid values, which `is_valid` tests.
unsafe impl Plain for bool {
    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        matches!(bytes, [0 | 1])
    }
}

// SAFETY: an array has no padding between or after its elements (the element's size is
// a multiple of its alignment), so its bytes are its elements' bytes, all initialised
// (contract 1 of `T`); it is valid iff each element is, which `is_valid` tests element by
// element through `T::is_valid` (or by length alone when `T::ALL_VALID`); `zeroed`
// builds each element with `T::zeroed`, so any check `T` attaches to making a value (as
// `SeqSnapshot` does) runs for arrays of it too.
unsafe impl<T: Plain, const N: usize> Plain for [T; N] {
    const ALL_VALID: bool = T::ALL_VALID;

    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        let n = size_of::<T>();
        if bytes.len() != n * N {
            return false;
        }
        if T::ALL_VALID {
            return true;
        }
        if n == 0 {
            return N == 0 || T::is_valid(&[]);
        }
        bytes.chunks_exact(n).all(T::is_valid)
    }

    #[inline]
    fn zeroed() -> Self {
        [T::zeroed(); N]
    }
}

#[cfg(test)]
mod tests {
    use super::Plain;

    /// Proves that `bool` and arrays of it refuse a byte other than 0 or 1, that lengths
    /// must match exactly, and that an array's bytes are its elements'.
    #[test]
    fn validity_and_bytes() {
        assert!(bool::is_valid(&[0]) && bool::is_valid(&[1]));
        assert!(!bool::is_valid(&[2]) && !bool::is_valid(&[]) && !bool::is_valid(&[0, 0]));
        assert_eq!(
            <[bool; 3]>::try_from_bytes(&[1, 0, 1]),
            Some([true, false, true])
        );
        assert_eq!(<[bool; 3]>::try_from_bytes(&[1, 2, 1]), None);
        assert_eq!(<[bool; 3]>::try_from_bytes(&[1, 0]), None);
        assert_eq!(
            <[[bool; 2]; 2]>::try_from_bytes(&[0, 1, 1, 0]),
            Some([[false, true], [true, false]])
        );
        assert_eq!(<[u8; 0]>::try_from_bytes(&[]), Some([]));
        assert_eq!(<[u8; 5]>::try_from_bytes(&[9; 5]), Some([9; 5]));
        assert_eq!(
            [1u16, 2].as_bytes(),
            [1u16.to_ne_bytes(), 2u16.to_ne_bytes()].concat()
        );
        assert_eq!(i128::try_from_bytes(&(-5i128).to_ne_bytes()), Some(-5));
        assert_eq!(f32::try_from_bytes(&1.5f32.to_ne_bytes()), Some(1.5));
        assert_eq!(<[u64; 2]>::zeroed(), [0, 0]);
    }
}
