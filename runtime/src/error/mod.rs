//! Errors as values: every way an operation can be refused, with a message that says
//! what was wrong and what is allowed.

#[cfg(feature = "std")]
pub(crate) mod path;

use core::fmt;

use crate::cell::ops::OpType;
use crate::cell::order::MemoryOrderError;
use crate::cell::value::{Kind, TypeName};

/// Every error of this crate. Each variant wraps a struct with the details, so code can
/// match on the variant and read the fields, and `Display` says what to do.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Error, MemoryOrder};
///
/// let a = Atomic::<u64>::new(0);
/// match a.store_explicit(1, MemoryOrder::Acquire) {
///     Err(Error::MemoryOrder(e)) => assert_eq!(e.order, MemoryOrder::Acquire),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An address is not aligned for an atomic's width. See [`AlignmentError`].
    Alignment(AlignmentError),
    /// An address is not aligned for a layout. See [`LayoutAlignmentError`].
    LayoutAlignment(LayoutAlignmentError),
    /// A layout view was asked of read-only memory. See [`ReadOnlyRegionError`].
    ReadOnlyRegion(ReadOnlyRegionError),
    /// A memory order is invalid for the operation. See [`MemoryOrderError`].
    MemoryOrder(MemoryOrderError),
    /// A width is not supported (lock-free) here. See [`UnsupportedWidth`].
    UnsupportedWidth(UnsupportedWidth),
    /// A kind or view does not offer an operation. See [`UnsupportedOperation`].
    UnsupportedOperation(UnsupportedOperation),
    /// A buffer or region has the wrong size. See [`SizeError`].
    Size(SizeError),
    /// A bit index is out of range for the width. See [`BitIndexError`].
    BitIndex(BitIndexError),
    /// An operand does not fit the width and kind (dynamic API). See [`OperandError`].
    Operand(OperandError),
    /// A dynamic atomic was asked for a typed cell of another type. See [`TypeMismatch`].
    TypeMismatch(TypeMismatch),
    /// A field path names nothing, or not what was asked for. See
    /// [`PathError`](crate::PathError).
    /// Boxed: its details (the layout's field names) would make every `Error` large.
    #[cfg(feature = "std")]
    Path(std::boxed::Box<crate::error::path::PathError>),
    /// A segment could not be created or opened. See [`SegmentError`](crate::SegmentError).
    #[cfg(all(feature = "shm", unix))]
    Segment(crate::segment::SegmentError),
}

// Each variant is transparent: the message and the source are the wrapped error's.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Alignment(e) => fmt::Display::fmt(e, f),
            Error::LayoutAlignment(e) => fmt::Display::fmt(e, f),
            Error::ReadOnlyRegion(e) => fmt::Display::fmt(e, f),
            Error::MemoryOrder(e) => fmt::Display::fmt(e, f),
            Error::UnsupportedWidth(e) => fmt::Display::fmt(e, f),
            Error::UnsupportedOperation(e) => fmt::Display::fmt(e, f),
            Error::Size(e) => fmt::Display::fmt(e, f),
            Error::BitIndex(e) => fmt::Display::fmt(e, f),
            Error::Operand(e) => fmt::Display::fmt(e, f),
            Error::TypeMismatch(e) => fmt::Display::fmt(e, f),
            #[cfg(feature = "std")]
            Error::Path(e) => fmt::Display::fmt(e, f),
            #[cfg(all(feature = "shm", unix))]
            Error::Segment(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Alignment(e) => e.source(),
            Error::LayoutAlignment(e) => e.source(),
            Error::ReadOnlyRegion(e) => e.source(),
            Error::MemoryOrder(e) => e.source(),
            Error::UnsupportedWidth(e) => e.source(),
            Error::UnsupportedOperation(e) => e.source(),
            Error::Size(e) => e.source(),
            Error::BitIndex(e) => e.source(),
            Error::Operand(e) => e.source(),
            Error::TypeMismatch(e) => e.source(),
            #[cfg(feature = "std")]
            Error::Path(e) => e.source(),
            #[cfg(all(feature = "shm", unix))]
            Error::Segment(e) => e.source(),
        }
    }
}

#[cfg(feature = "std")]
impl From<crate::error::path::PathError> for Error {
    fn from(e: crate::error::path::PathError) -> Self {
        Error::Path(std::boxed::Box::new(e))
    }
}

impl From<AlignmentError> for Error {
    fn from(e: AlignmentError) -> Self {
        Error::Alignment(e)
    }
}

impl From<LayoutAlignmentError> for Error {
    fn from(e: LayoutAlignmentError) -> Self {
        Error::LayoutAlignment(e)
    }
}

impl From<ReadOnlyRegionError> for Error {
    fn from(e: ReadOnlyRegionError) -> Self {
        Error::ReadOnlyRegion(e)
    }
}

impl From<MemoryOrderError> for Error {
    fn from(e: MemoryOrderError) -> Self {
        Error::MemoryOrder(e)
    }
}

impl From<UnsupportedWidth> for Error {
    fn from(e: UnsupportedWidth) -> Self {
        Error::UnsupportedWidth(e)
    }
}

impl From<UnsupportedOperation> for Error {
    fn from(e: UnsupportedOperation) -> Self {
        Error::UnsupportedOperation(e)
    }
}

impl From<SizeError> for Error {
    fn from(e: SizeError) -> Self {
        Error::Size(e)
    }
}

impl From<BitIndexError> for Error {
    fn from(e: BitIndexError) -> Self {
        Error::BitIndex(e)
    }
}

impl From<OperandError> for Error {
    fn from(e: OperandError) -> Self {
        Error::Operand(e)
    }
}

impl From<TypeMismatch> for Error {
    fn from(e: TypeMismatch) -> Self {
        Error::TypeMismatch(e)
    }
}

#[cfg(all(feature = "shm", unix))]
impl From<crate::segment::SegmentError> for Error {
    fn from(e: crate::segment::SegmentError) -> Self {
        Error::Segment(e)
    }
}

/// An address is not aligned as an atomic of this width requires.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Error};
///
/// #[repr(align(8))]
/// struct Buf([u8; 16]);
/// let mut buf = Buf([0; 16]);
/// let err = Atomic::<u32>::from_mut(&mut buf.0[2..6]).unwrap_err();
/// assert!(matches!(err, Error::Alignment(e) if e.required == 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignmentError {
    /// The misaligned address.
    pub addr: usize,
    /// The alignment required, in bytes.
    pub required: usize,
    /// The width of the atomic, in bytes.
    pub width: usize,
}

impl fmt::Display for AlignmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = self.required;
        write!(
            f,
            "address {:#x} is not aligned for a {}-byte atomic: it must be a multiple of \
             {required} (offset it by {} bytes, or align the buffer, e.g. with \
             #[repr(align({required}))])",
            self.addr,
            self.width,
            (required - self.addr % required) % required
        )
    }
}

impl core::error::Error for AlignmentError {}

/// An address is not aligned as a layout (an `#[atomic_layout]` struct) requires: a
/// view of the layout must start at a multiple of its alignment, `L::ALIGN`.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Error;
///
/// #[atomic_layout]
/// struct Pair { a: u64, b: u64 }
///
/// #[repr(align(8))]
/// struct Buf([u8; 24]);
/// let mut buf = Buf([0; 24]);
/// let err = Pair::from_mut(&mut buf.0[4..20]).unwrap_err();
/// assert!(matches!(err, Error::LayoutAlignment(e) if e.layout == "Pair" && e.required == 8));
/// assert!(err.to_string().contains("layout Pair"), "{err}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutAlignmentError {
    /// The misaligned address.
    pub addr: usize,
    /// The alignment required (the layout's `ALIGN`), in bytes.
    pub required: usize,
    /// The layout's name (`L::NAME`).
    pub layout: &'static str,
    /// The layout's size (`L::SIZE`), in bytes.
    pub size: usize,
}

impl fmt::Display for LayoutAlignmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = self.required;
        write!(
            f,
            "address {:#x} is not aligned for layout {} ({} bytes): it must be a multiple \
             of {required} (offset it by {} bytes, or align the buffer, e.g. with \
             #[repr(align({required}))])",
            self.addr,
            self.layout,
            self.size,
            (required - self.addr % required) % required
        )
    }
}

impl core::error::Error for LayoutAlignmentError {}

/// A view of a layout was asked of a read-only region. A layout view hands out atomics
/// that can store, so it needs writable memory; read-only memory is read field by field
/// with [`Region::read_at`](crate::Region::read_at), or, for a segment, through
/// `ReadOnlySegment::snapshot` and `ReadOnlySegment::load`.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Error, Region};
///
/// #[atomic_layout]
/// struct Pair { a: u32, b: u32 }
///
/// #[repr(align(8))]
/// struct Buf([u8; 8]);
/// let buf = Buf([0; 8]);
/// let region = Region::from_ref(&buf.0);
/// let err = region.view::<Pair>().unwrap_err();
/// assert!(matches!(err, Error::ReadOnlyRegion(e) if e.layout == "Pair"));
/// assert_eq!(region.read_at::<u32>(4)?.load(), 0); // loads still work
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOnlyRegionError {
    /// The layout's name (`L::NAME`).
    pub layout: &'static str,
}

impl fmt::Display for ReadOnlyRegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "layout {} cannot be viewed in a read-only region: a layout view needs writable \
             memory; load its fields with Region::read_at (a ReadOnly view) instead, or, for a \
             segment, use ReadOnlySegment::snapshot or load",
            self.layout
        )
    }
}

impl core::error::Error for ReadOnlyRegionError {}

/// Why a width is not supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WidthReason {
    /// The width is not 1, 2, 4, 8 or 16.
    NotAWidth,
    /// The width is one (1, 2, 4, 8 or 16) but values of this kind never have it: `bool`
    /// is 1 byte, floats are 4 or 8 (see [`Kind::widths`](crate::Kind::widths)).
    NotOfKind(Kind),
    /// The CPU has no lock-free atomic of this width (16 bytes without `cmpxchg16b` on
    /// x86_64, or on a 32-bit target; 8 bytes on a 32-bit target without 64-bit atomics);
    /// a view into shared memory would take a process-local lock and lose updates.
    NotLockFree,
    /// Loading this width from read-only memory needs an instruction that writes
    /// (`cmpxchg16b` without AVX on x86_64, a load/store-exclusive pair on aarch64
    /// without LSE2), which would fault on a read-only mapping.
    NoWriteFreeLoad,
    /// Waiting and notifying (`wait`, `notify_one`, ...) take a 4-byte value: the
    /// futex and its peers on other systems wait on a 32-bit word.
    NotWaitable,
}

/// A width that is not supported here.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, atomic};
///
/// let err = atomic(3, AType::Int).unwrap_err();
/// assert!(matches!(err, Error::UnsupportedWidth(e) if e.width == 3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsupportedWidth {
    /// The width asked for, in bytes.
    pub width: usize,
    /// Why it is refused.
    pub reason: WidthReason,
}

impl fmt::Display for UnsupportedWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            WidthReason::NotAWidth => write!(
                f,
                "width {} is not supported: atomics have a width of 1, 2, 4, 8 or 16 bytes",
                self.width
            ),
            WidthReason::NotOfKind(kind) => {
                write!(
                    f,
                    "width {} is not a width of {kind} values: use ",
                    self.width
                )?;
                let widths = kind.widths();
                for (i, w) in widths.iter().enumerate() {
                    let sep = match i {
                        0 => "",
                        i if i + 1 == widths.len() => " or ",
                        _ => ", ",
                    };
                    write!(f, "{sep}{}", w.bytes())?;
                }
                f.write_str(if widths.len() == 1 && widths[0].bytes() == 1 {
                    " byte"
                } else {
                    " bytes"
                })
            }
            WidthReason::NotLockFree => write!(
                f,
                "width {} is not lock-free on this CPU ({}): a view into shared memory \
                 would take a process-local lock and lose updates across processes; use a width \
                 of {} bytes or less",
                self.width,
                if cfg!(target_arch = "x86_64") && self.width == 16 {
                    "no cmpxchg16b"
                } else {
                    "no atomic instruction of that width"
                },
                widest_below(self.width, crate::Width::is_lock_free),
            ),
            WidthReason::NotWaitable => write!(
                f,
                "width {} cannot be waited on: wait and notify take a 4-byte value (the \
                 futex word: an int, uint, float or bytes of width 4); put what is waited \
                 for in a 4-byte field (a u32 counter or flag, or an Event)",
                self.width
            ),
            WidthReason::NoWriteFreeLoad => write!(
                f,
                "width {} cannot be loaded from read-only memory on this CPU: its only atomic load \
                 ({}) writes; map the memory writable or use a width of {} bytes or less",
                self.width,
                if cfg!(target_arch = "x86_64") {
                    "cmpxchg16b"
                } else if cfg!(target_arch = "aarch64") {
                    "a load/store-exclusive pair"
                } else {
                    "a compare-and-swap"
                },
                widest_below(self.width, crate::Width::has_write_free_load),
            ),
        }
    }
}

impl core::error::Error for UnsupportedWidth {}

/// The widest width below `width` that has `property` on this CPU (1: every CPU has
/// 1-byte atomics), for the advice of a refusal.
fn widest_below(width: usize, property: fn(crate::Width) -> bool) -> usize {
    crate::Width::ALL
        .iter()
        .rev()
        .copied()
        .find(|w| w.bytes() < width && property(*w))
        .map_or(1, crate::Width::bytes)
}

/// An operation that a kind of value, or a read-only view, does not offer.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, OpType, atomic};
///
/// let a = atomic(4, AType::Bytes).unwrap();
/// let err = a.fetch_add(1).unwrap_err();
/// assert!(matches!(err, Error::UnsupportedOperation(e) if e.op == OpType::FetchAdd));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsupportedOperation {
    /// The operation asked for.
    pub op: OpType,
    /// The kind of the value.
    pub kind: Kind,
    /// Whether the refusal is because the view is read-only (the kind itself may offer it).
    pub readonly: bool,
}

impl fmt::Display for UnsupportedOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.readonly {
            write!(
                f,
                "operation {} is not supported on a read-only view: it offers only load \
                 and bit_test; open the memory writable to modify it",
                self.op
            )
        } else {
            write!(
                f,
                "operation {} is not supported by kind {}: it offers {}",
                self.op,
                self.kind,
                self.kind.ops_supported()
            )
        }
    }
}

impl core::error::Error for UnsupportedOperation {}

/// A buffer or region of the wrong size.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Error};
///
/// let mut buf = [0u8; 3];
/// let err = Atomic::<u8>::from_mut(&mut buf).unwrap_err();
/// assert!(matches!(err, Error::Size(e) if e.needed == 1 && e.got == 3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeError {
    /// The bytes needed.
    pub needed: usize,
    /// The bytes given.
    pub got: usize,
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wrong size: {} bytes are needed but {} were given; pass a buffer of exactly \
             the width (or a region large enough for the offset plus the width)",
            self.needed, self.got
        )
    }
}

impl core::error::Error for SizeError {}

/// A bit index past the width of the value.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, Error};
///
/// let a = Atomic::<u16>::new(0);
/// let err = a.bit_set(16).unwrap_err();
/// assert!(matches!(err, Error::BitIndex(e) if e.bit == 16 && e.width == 2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitIndexError {
    /// The bit index asked for.
    pub bit: u32,
    /// The width of the value, in bytes.
    pub width: usize,
}

impl fmt::Display for BitIndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bit index {} is out of range for a {}-byte atomic: valid bits are 0..{}",
            self.bit,
            self.width,
            self.width * 8
        )
    }
}

impl core::error::Error for BitIndexError {}

/// An operand of the dynamic API, as given (kept for error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OperandValue {
    /// A signed integer operand.
    Int(i128),
    /// An unsigned integer operand.
    Uint(u128),
    /// A byte-string operand of this many bytes.
    Bytes(usize),
    /// A `bool` operand.
    Bool(bool),
    /// A float operand, as the bits of its `f64` value (`f64::from_bits` gives it back;
    /// an `f32` is widened exactly).
    Float(u64),
}

/// An operand that does not fit the width and kind of a dynamic atomic: the dynamic API
/// never truncates.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, atomic};
///
/// let a = atomic(1, AType::Uint).unwrap();
/// assert!(matches!(a.store(256), Err(Error::Operand(_))));
/// assert!(a.store(255).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperandError {
    /// The operand given.
    pub value: OperandValue,
    /// The width of the atomic, in bytes.
    pub width: usize,
    /// The kind of the atomic.
    pub kind: Kind,
}

impl fmt::Display for OperandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = self.width as u32 * 8;
        match (self.value, self.kind) {
            (OperandValue::Bytes(n), Kind::Bytes) => write!(
                f,
                "operand of {n} bytes does not fit bytes of width {}: pass exactly {} bytes",
                self.width, self.width
            ),
            (v, Kind::Bytes) => write!(
                f,
                "operand {} is not an operand for kind bytes: pass exactly {} bytes",
                Show(v),
                self.width
            ),
            (v, Kind::Bool) => write!(
                f,
                "operand {} is not an operand for kind bool: pass true, false, 0 or 1",
                Show(v)
            ),
            (v, Kind::Float) => write!(
                f,
                "operand {} is not exactly representable as a {}-byte float: pass a float, or \
                 an integer that the width represents exactly",
                Show(v),
                self.width
            ),
            (OperandValue::Bytes(n), kind) => write!(
                f,
                "a {n}-byte string is not an operand for kind {kind}: pass an integer"
            ),
            (v, Kind::Int) => {
                let (min, max) = if bits == 128 {
                    (i128::MIN, i128::MAX)
                } else {
                    (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                };
                write!(
                    f,
                    "operand {} does not fit a {}-byte int: pass a value in {min}..={max}",
                    Show(v),
                    self.width
                )
            }
            (v, _) => {
                let max = if bits == 128 {
                    u128::MAX
                } else {
                    (1u128 << bits) - 1
                };
                write!(
                    f,
                    "operand {} does not fit a {}-byte uint: pass a value in 0..={max}",
                    Show(v),
                    self.width
                )
            }
        }
    }
}

struct Show(OperandValue);

impl fmt::Display for Show {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            OperandValue::Int(v) => write!(f, "{v}"),
            OperandValue::Uint(v) => write!(f, "{v}"),
            OperandValue::Bytes(n) => write!(f, "<{n} bytes>"),
            OperandValue::Bool(b) => write!(f, "{b}"),
            OperandValue::Float(bits) => write!(f, "{:?}", f64::from_bits(bits)),
        }
    }
}

impl core::error::Error for OperandError {}

/// A dynamic atomic asked for a typed cell (`as_atomic::<T>()` or `as_readonly::<T>()`)
/// of a type that is not its kind and width, or for a writable cell of a read-only view.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{AType, Error, Kind, atomic};
///
/// let a = atomic(8, AType::Uint)?;
/// let err = a.as_atomic::<i32>().unwrap_err();
/// assert!(matches!(err, Error::TypeMismatch(e) if e.kind == Kind::Uint && e.width == 8));
/// assert_eq!(
///     err.to_string(),
///     "this atomic holds 8-byte uint values, not i32 (4-byte int): ask for u64"
/// );
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeMismatch {
    /// The kind of the atomic.
    pub kind: Kind,
    /// The width of the atomic, in bytes.
    pub width: usize,
    /// The type asked for, as Rust names it (`core::any::type_name`).
    pub requested: &'static str,
    /// The kind of the type asked for.
    pub requested_kind: Kind,
    /// The width of the type asked for, in bytes.
    pub requested_width: usize,
    /// The type matches, but a writable cell was asked of a read-only view.
    pub readonly: bool,
}

impl fmt::Display for TypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.readonly {
            return write!(
                f,
                "this atomic is a read-only view: it has no writable {} cell; use \
                 as_readonly::<{}>() to load it",
                self.requested, self.requested
            );
        }
        write!(
            f,
            "this atomic holds {}-byte {} values, not {} ({}-byte {}): ask for {}",
            self.width,
            self.kind,
            self.requested,
            self.requested_width,
            self.requested_kind,
            TypeName(self.kind, self.width)
        )
    }
}

impl core::error::Error for TypeMismatch {}
