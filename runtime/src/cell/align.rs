//! Alignment requirements of atomic widths.

use crate::cell::width::{Width, not_a_width};
use crate::error::Error;

/// The alignment an atomic of a given width needs.
///
/// `recommended` and `minimum` are both the width here: Rust (like C11) makes an
/// unaligned atomic access undefined behaviour, and on x86 an unaligned locked
/// instruction is a "split lock" that stalls every core or traps. The reference design
/// (Python `atomics` on patomic) reports a minimum of 1 because patomic may fall back to
/// other instructions; this crate never does, so it reports the truth.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::Alignment;
///
/// let a = Alignment::new(8)?;
/// assert_eq!(a.recommended(), 8);
/// assert!(a.is_valid(0x1000));
/// assert!(!a.is_valid(0x1004));
/// assert!(Alignment::new(3).is_err());
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alignment {
    width: usize,
}

impl Alignment {
    /// The alignment of a `width`-byte atomic; `UnsupportedWidth` unless `width` is 1, 2,
    /// 4, 8 or 16 (a [`Width`]).
    pub const fn new(width: usize) -> Result<Alignment, Error> {
        match Width::from_bytes(width) {
            Some(w) => Ok(Alignment::of(w)),
            None => Err(not_a_width(width)),
        }
    }

    /// The alignment of an atomic of `width`, which needs no check.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Alignment, Width};
    /// assert_eq!(Alignment::of(Width::W16).recommended(), 16);
    /// ```
    pub const fn of(width: Width) -> Alignment {
        Alignment {
            width: width.bytes(),
        }
    }

    /// The alignment of a width known to be valid (a value type's).
    pub(crate) const fn of_value_width(width: usize) -> Alignment {
        Alignment { width }
    }

    /// The width in bytes.
    pub const fn width(self) -> usize {
        self.width
    }

    /// The alignment to use: the width.
    pub const fn recommended(self) -> usize {
        self.width
    }

    /// The smallest alignment at which an atomic access is defined: also the width.
    pub const fn minimum(self) -> usize {
        self.width
    }

    /// Whether `addr` is aligned enough (the minimum).
    pub const fn is_valid(self, addr: usize) -> bool {
        self.is_valid_minimum(addr)
    }

    /// Whether `addr` is a multiple of `recommended()`.
    pub const fn is_valid_recommended(self, addr: usize) -> bool {
        addr % self.recommended() == 0
    }

    /// Whether `addr` is a multiple of `minimum()`.
    pub const fn is_valid_minimum(self, addr: usize) -> bool {
        addr % self.minimum() == 0
    }
}
