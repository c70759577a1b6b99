//! The operations of [`Atomic<T>`] that depend on what `T` can do: bit operations for
//! [`Bitwise`] values (integers, bytes, bool), arithmetic for [`Arithmetic`] values
//! (integers wrapping, floats IEEE) and steps of one for [`Integer`] values. Each
//! read-modify-write is written once, as its `op`/`op_explicit` pair, by `rmw!`.

use crate::cell::atomic::{Atomic, rmw};
use crate::cell::ops::OpType;
use crate::cell::order::MemoryOrder;
use crate::cell::value::{Arithmetic, Bitwise, Integer, RawInt, Storage, storage_bit};
use crate::error::{BitIndexError, Error};

/// Bit and bitwise operations. A bit index is checked (`BitIndexError` if
/// `bit >= 8 * width`), so the `bit_*` forms return a `Result`; the `bin_*` forms cannot
/// fail.
impl<T: Bitwise> Atomic<T> {
    /// The storage bit of memory bit `bit`, or `BitIndexError` past the width.
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
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atomic::new([0b0000_0100u8, 0]);
    /// assert_eq!(a.bit_test(2), Ok(true));
    /// assert!(a.bit_test(16).is_err());
    /// ```
    #[inline]
    pub fn bit_test(&self, bit: u32) -> Result<bool, Error> {
        self.bit_test_explicit(bit, MemoryOrder::SeqCst)
    }

    /// [`bit_test`](Self::bit_test) with `Relaxed`, `Acquire` or `SeqCst`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, MemoryOrder};
    /// let a = Atomic::new(0b10u8);
    /// assert_eq!(a.bit_test_explicit(1, MemoryOrder::Acquire), Ok(true));
    /// assert!(a.bit_test_explicit(1, MemoryOrder::Release).is_err());
    /// ```
    #[inline]
    pub fn bit_test_explicit(&self, bit: u32, order: MemoryOrder) -> Result<bool, Error> {
        let o = order.check_load(OpType::BitTest)?;
        let b = Self::bit_index(bit)?;
        Ok((self.inner.load(o).to_u128() >> b) & 1 == 1)
    }

    rmw! {
        /// Sets bit `bit` and returns its previous value; `BitIndexError` if
        /// `bit >= 8 * width`.
        fn bit_set, bit_set_explicit(bit: u32) -> Result<bool, Error>
            = |s, o| Ok(s.bit_set(Self::bit_index(bit)?, o));
        example { init: 0u8, arg: 7, returns: Ok(false), then: 0x80 }

        /// Clears bit `bit` and returns its previous value; `BitIndexError` if
        /// `bit >= 8 * width`.
        fn bit_reset, bit_reset_explicit(bit: u32) -> Result<bool, Error>
            = |s, o| Ok(s.bit_reset(Self::bit_index(bit)?, o));
        example { init: 0xffu8, arg: 0, returns: Ok(true), then: 0xfe }

        /// Flips bit `bit` and returns its previous value; `BitIndexError` if
        /// `bit >= 8 * width`.
        fn bit_compl, bit_compl_explicit(bit: u32) -> Result<bool, Error>
            = |s, o| Ok(s.bit_compl(Self::bit_index(bit)?, o));
        example { init: 0i32, arg: 31, returns: Ok(false), then: i32::MIN }

        /// Bitwise or with `v`.
        fn bin_or, bin_or_explicit(v: T) = |s, o| T::or(s, v, o);
        example { init: 0b01u8, arg: 0b10, then: 0b11 }

        /// Bitwise xor with `v`.
        fn bin_xor, bin_xor_explicit(v: T) = |s, o| T::xor(s, v, o);
        example { init: [0xffu8; 2], arg: [0x0f, 0xf0], then: [0xf0, 0x0f] }

        /// Bitwise and with `v`.
        fn bin_and, bin_and_explicit(v: T) = |s, o| T::and(s, v, o);
        example { init: 0b1100u16, arg: 0b0110, then: 0b0100 }

        /// Bitwise not (logical not for `bool`).
        fn bin_not, bin_not_explicit() = |s, o| T::not(s, o);
        example { init: 0u8, then: 0xff }

        /// Bitwise or with `v`, returning the previous value.
        fn bin_fetch_or, bin_fetch_or_explicit(v: T) -> T = |s, o| T::fetch_or(s, v, o);
        example { init: 1u32, arg: 2, returns: 1, then: 3 }

        /// Bitwise xor with `v`, returning the previous value.
        fn bin_fetch_xor, bin_fetch_xor_explicit(v: T) -> T = |s, o| T::fetch_xor(s, v, o);
        example { init: true, arg: true, returns: true, then: false }

        /// Bitwise and with `v`, returning the previous value.
        fn bin_fetch_and, bin_fetch_and_explicit(v: T) -> T = |s, o| T::fetch_and(s, v, o);
        example { init: 0b11i8, arg: 0b10, returns: 0b11, then: 0b10 }

        /// Bitwise not, returning the previous value.
        fn bin_fetch_not, bin_fetch_not_explicit() -> T = |s, o| T::fetch_not(s, o);
        example { init: 0x0fu8, returns: 0x0f, then: 0xf0 }
    }
}

/// Arithmetic: wrapping for integers, IEEE (compare-exchange loops) for floats.
impl<T: Arithmetic> Atomic<T> {
    rmw! {
        /// Adds `v`, wrapping on overflow.
        fn add, add_explicit(v: T) = |s, o| T::add(s, v, o);
        example { init: u8::MAX, arg: 2, then: 1 }

        /// Subtracts `v`, wrapping on overflow.
        fn sub, sub_explicit(v: T) = |s, o| T::sub(s, v, o);
        example { init: i16::MIN, arg: 1, then: i16::MAX }

        /// Negates, wrapping (`MIN` stays `MIN`; unsigned values become `0 - v`).
        fn neg, neg_explicit() = |s, o| T::neg(s, o);
        example { init: 5i64, then: -5 }

        /// Adds `v`, wrapping, and returns the previous value.
        fn fetch_add, fetch_add_explicit(v: T) -> T = |s, o| T::fetch_add(s, v, o);
        example { init: 1u64, arg: 1, returns: 1, then: 2 }

        /// Subtracts `v`, wrapping, and returns the previous value.
        fn fetch_sub, fetch_sub_explicit(v: T) -> T = |s, o| T::fetch_sub(s, v, o);
        example { init: 0i8, arg: 1, returns: 0, then: -1 }

        /// Negates, wrapping, and returns the previous value.
        fn fetch_neg, fetch_neg_explicit() -> T = |s, o| T::fetch_neg(s, o);
        example { init: 1u8, returns: 1, then: 255 }
    }
}

/// Integer-only steps of one.
impl<T: Integer> Atomic<T> {
    rmw! {
        /// Adds one, wrapping.
        fn inc, inc_explicit() = |s, o| T::add(s, T::ONE, o);
        example { init: 41u128, then: 42 }

        /// Subtracts one, wrapping.
        fn dec, dec_explicit() = |s, o| T::sub(s, T::ONE, o);
        example { init: 0u32, then: u32::MAX }

        /// Adds one, wrapping, and returns the previous value.
        fn fetch_inc, fetch_inc_explicit() -> T = |s, o| T::fetch_add(s, T::ONE, o);
        example { init: 9u16, returns: 9, then: 10 }

        /// Subtracts one, wrapping, and returns the previous value.
        fn fetch_dec, fetch_dec_explicit() -> T = |s, o| T::fetch_sub(s, T::ONE, o);
        example { init: 9i32, returns: 9, then: 8 }
    }
}
