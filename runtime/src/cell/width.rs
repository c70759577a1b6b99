//! Atomic widths, and the one table of which widths each [`Kind`] may have.

use crate::cell::value::Kind;
use crate::error::{Error, UnsupportedWidth, WidthReason};

/// The width of an atomic in bytes: 1, 2, 4, 8 or 16, the only sizes a lock-free atomic
/// instruction has. A `Width` is always one of them; functions that take a width as a
/// `usize` check it with [`Width::from_bytes`] (or `TryFrom<usize>`, which says why not).
///
/// Which widths a kind may have is [`Kind::widths`]: every width for `int`, `uint` and
/// `bytes`, 1 for `bool`, 4 and 8 for `float`.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Kind, Width};
///
/// let w = Width::from_bytes(8).expect("8 is a width");
/// assert_eq!(w, Width::W8);
/// assert_eq!(w.bytes(), 8);
/// assert_eq!(w.bits(), 64);
/// assert_eq!(Width::from_bytes(3), None);
/// assert!(Width::try_from(3usize).is_err()); // an `UnsupportedWidth` error
///
/// assert!(Kind::Float.allows(Width::W4));
/// assert!(!Kind::Float.allows(Width::W2));
/// assert_eq!(Kind::Bool.widths(), &[Width::W1]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Width {
    /// 1 byte (`u8`, `i8`, `bool`, `[u8; 1]`).
    W1 = 1,
    /// 2 bytes.
    W2 = 2,
    /// 4 bytes (also `f32`).
    W4 = 4,
    /// 8 bytes (also `f64`).
    W8 = 8,
    /// 16 bytes (`cmpxchg16b` on x86_64, `ldxp`/`stxp` or `casp` on aarch64).
    W16 = 16,
}

impl Width {
    /// Every width, smallest first.
    pub const ALL: [Width; 5] = [Width::W1, Width::W2, Width::W4, Width::W8, Width::W16];

    /// The width of `bytes` bytes, if it is one.
    pub const fn from_bytes(bytes: usize) -> Option<Width> {
        match bytes {
            1 => Some(Width::W1),
            2 => Some(Width::W2),
            4 => Some(Width::W4),
            8 => Some(Width::W8),
            16 => Some(Width::W16),
            _ => None,
        }
    }

    /// The width in bytes.
    pub const fn bytes(self) -> usize {
        self as usize
    }

    /// The width in bits.
    pub const fn bits(self) -> u32 {
        self as u32 * 8
    }

    /// Whether atomics of this width are lock-free on the running CPU, so allowed in a
    /// view or a segment (a width that is not is refused with
    /// [`WidthReason::NotLockFree`]). Up to 4 bytes on every target; 8 bytes on 64-bit
    /// targets and on 32-bit Arm with `ldrexd`/`strexd`; 16 bytes with `cmpxchg16b`
    /// (x86_64, detected at run time), on aarch64 and on s390x.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Atomic, Width};
    /// assert!(Width::W4.is_lock_free());
    /// assert_eq!(Width::W16.is_lock_free(), Atomic::<u128>::is_lock_free());
    /// ```
    pub fn is_lock_free(self) -> bool {
        use portable_atomic as pa;
        match self {
            Width::W1 => pa::AtomicU8::is_lock_free(),
            Width::W2 => pa::AtomicU16::is_lock_free(),
            Width::W4 => pa::AtomicU32::is_lock_free(),
            Width::W8 => pa::AtomicU64::is_lock_free(),
            Width::W16 => pa::AtomicU128::is_lock_free(),
        }
    }

    /// Whether an atomic load of this width never writes memory on the running CPU, so
    /// a read-only view (`ReadOnly` memory, a read-only segment) may hold it (one that
    /// cannot is refused with [`WidthReason::NoWriteFreeLoad`]). Widths up to the
    /// pointer's size are plain loads; a wider load is write-free only where a plain
    /// instruction loads it atomically (16 bytes on x86_64 with AVX), not where it is a
    /// compare-and-swap or an exclusive pair, which write.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Width;
    /// assert!(Width::W1.has_write_free_load());
    /// # #[cfg(target_pointer_width = "64")]
    /// assert!(Width::W8.has_write_free_load());
    /// ```
    pub fn has_write_free_load(self) -> bool {
        crate::cell::value::write_free_load(self.bytes())
    }

    /// Whether memory that is writable (`readonly == false`) or read-only may hold an
    /// atomic of this width: the one rule every view, snapshot and record read asks.
    /// A width without a lock-free atomic is refused as [`WidthReason::NotLockFree`]
    /// first (whatever the memory); in read-only memory, a width whose load writes is
    /// then refused as [`WidthReason::NoWriteFreeLoad`].
    pub(crate) fn check_usable(self, readonly: bool) -> Result<(), UnsupportedWidth> {
        let reason = if !self.is_lock_free() {
            WidthReason::NotLockFree
        } else if readonly && !self.has_write_free_load() {
            WidthReason::NoWriteFreeLoad
        } else {
            return Ok(());
        };
        Err(UnsupportedWidth {
            width: self.bytes(),
            reason,
        })
    }
}

impl TryFrom<usize> for Width {
    type Error = Error;

    /// The width of `bytes` bytes, or [`Error::UnsupportedWidth`] with
    /// [`WidthReason::NotAWidth`].
    fn try_from(bytes: usize) -> Result<Width, Error> {
        Width::from_bytes(bytes).ok_or_else(|| not_a_width(bytes))
    }
}

impl From<Width> for usize {
    fn from(w: Width) -> usize {
        w.bytes()
    }
}

/// The refusal of a width that is not one (or not one of its kind).
pub(crate) const fn not_a_width(width: usize) -> Error {
    Error::UnsupportedWidth(UnsupportedWidth {
        width,
        reason: WidthReason::NotAWidth,
    })
}

impl Kind {
    /// The widths a value of this kind may have: the one table every check uses (the
    /// dynamic API, alignment, segment descriptors).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Kind, Width};
    ///
    /// assert_eq!(Kind::Int.widths(), &Width::ALL);
    /// assert_eq!(Kind::Bytes.widths(), &Width::ALL);
    /// assert_eq!(Kind::Bool.widths(), &[Width::W1]);
    /// assert_eq!(Kind::Float.widths(), &[Width::W4, Width::W8]);
    /// ```
    pub const fn widths(self) -> &'static [Width] {
        match self {
            Kind::Int | Kind::Uint | Kind::Bytes => &Width::ALL,
            Kind::Bool => &[Width::W1],
            Kind::Float => &[Width::W4, Width::W8],
        }
    }

    /// Whether a value of this kind may have `width` (one of [`widths`](Self::widths)).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{Kind, Width};
    /// assert!(Kind::Uint.allows(Width::W16));
    /// assert!(!Kind::Float.allows(Width::W16));
    /// ```
    pub const fn allows(self, width: Width) -> bool {
        let widths = self.widths();
        let mut i = 0;
        while i < widths.len() {
            if widths[i] as u8 == width as u8 {
                return true;
            }
            i += 1;
        }
        false
    }

    /// The width of `bytes` bytes if this kind may have it, else [`UnsupportedWidth`]
    /// ([`WidthReason::NotAWidth`] for no width at all, [`WidthReason::NotOfKind`] for a
    /// width this kind never has).
    pub(crate) const fn width_of(self, bytes: usize) -> Result<Width, Error> {
        match Width::from_bytes(bytes) {
            Some(w) if self.allows(w) => Ok(w),
            Some(_) => Err(Error::UnsupportedWidth(UnsupportedWidth {
                width: bytes,
                reason: WidthReason::NotOfKind(self),
            })),
            None => Err(not_a_width(bytes)),
        }
    }
}
