//! The `Layout` trait and its static field table (`FieldDesc`, `FieldType`,
//! `LayoutDesc`): what `#[atomic_layout]` generates, and checked views of a layout in a
//! [`Region`].

use crate::cell::ops::OpSet;
use crate::cell::value::Kind;
use crate::error::{Error, LayoutAlignmentError, ReadOnlyRegionError};
use crate::layout::fingerprint::fp;
use crate::layout::plain::Plain;
use crate::view::region::Region;

/// A `#[repr(C)]` struct of atomics declared with `#[atomic_layout]`.
///
/// Only the macro implements it. It gives the layout's size, alignment and field
/// descriptors, a fingerprint that changes whenever the memory layout changes, plain
/// snapshots, and (with `std`) the C header.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Layout;
///
/// #[atomic_layout]
/// pub struct Stats {
///     pub requests: u64,
///     pub up: bool,
/// }
///
/// assert_eq!(Stats::SIZE, 16);
/// assert_eq!(Stats::FIELDS[1].name, "up");
/// let stats = Stats::new();
/// stats.requests().inc();
/// assert_eq!(stats.snapshot().requests, 1);
/// ```
///
/// # Safety
///
/// Implementors guarantee that:
/// 1. `Self` is `#[repr(C)]` with `size_of::<Self>() == SIZE` and
///    `align_of::<Self>() == ALIGN`;
/// 2. every byte of `Self` belongs to an atomic field (an [`Atomic`](crate::Atomic) or a
///    nested layout) or to a padding (`__private::Pad`, never read or written), so every bit pattern is a
///    valid `Self`, all-zero included, and a `&Self` over memory that others write
///    atomically is sound;
/// 3. `FIELDS` describes every field with its true offset, width, kind and length.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an atomic layout",
    label = "not a value type or an `#[atomic_layout]` struct",
    note = "a field of an #[atomic_layout] struct is i8..i128, u8..u128, f32, f64, bool, [u8; N] (N = 1, 2, 4, 8, 16), an array of those, or another #[atomic_layout] struct"
)]
pub unsafe trait Layout: Sized + Send + Sync + 'static {
    /// The struct's name.
    const NAME: &'static str;
    /// `size_of::<Self>()`.
    const SIZE: usize;
    /// `align_of::<Self>()`.
    const ALIGN: usize;
    /// One descriptor per declared field, in declaration order.
    const FIELDS: &'static [FieldDesc];
    /// The whole descriptor: name, size, alignment and fields.
    const DESC: LayoutDesc;
    /// A hash of the canonical descriptor (field names, kinds, widths, offsets, array
    /// lengths and alignments, the size and the alignment; not the struct's own name). Two
    /// layouts with the same fingerprint have the same memory layout.
    const FINGERPRINT: u64;
    /// The plain twin of the layout (`<Name>Snapshot`): the same bytes at the same
    /// offsets, so it converts to and from the layout's memory as bytes ([`Plain`]:
    /// `as_bytes`, `try_from_bytes`, `zeroed`); `Default` is all fields zero.
    type Snapshot: Plain + Default;

    /// Loads every field (each atomically, the whole not as one atomic step).
    fn snapshot(&self) -> Self::Snapshot;

    /// Stores every field of `snapshot` (each atomically, not as one step).
    fn store_snapshot(&self, snapshot: &Self::Snapshot);

    /// The C11 header of this layout (see [`LayoutDesc::c_header`]).
    #[cfg(feature = "std")]
    fn c_header() -> std::string::String {
        Self::DESC.c_header()
    }
}

/// The largest alignment of a layout or field: 4096 bytes, the page size.
///
/// `mmap` places a mapping only at a page boundary, so a segment can keep its payload
/// aligned to at most a page. `#[atomic_layout]` refuses `align = N` above it at compile
/// time, [`LayoutDescBuf::decode`](crate::LayoutDescBuf::decode) refuses a descriptor
/// that declares more, and creating or opening a segment of a hand-written [`Layout`]
/// with a larger `ALIGN` is refused with an error. Memory you align yourself
/// ([`Region::view`](crate::Region::view)) may hold a layout of any alignment.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, MAX_ALIGN};
///
/// #[atomic_layout(align = 4096)]
/// struct Page { hits: u64 }
///
/// assert_eq!(MAX_ALIGN, 4096);
/// assert_eq!(Page::ALIGN, MAX_ALIGN);
/// ```
pub const MAX_ALIGN: usize = 4096;

/// The type of a field: a value of some kind and width, a nested layout, or one of the
/// runtime's field types (a seqlock record, a striped counter, an event).
///
/// The element's size and alignment follow from the type alone
/// ([`size`](FieldType::size), [`align`](FieldType::align)), so a program that reads a
/// descriptor knows where everything is without the Rust type.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{FieldType, Kind};
///
/// let t = FieldType::Value { kind: Kind::Uint, width: 8 };
/// assert_eq!((t.size(), t.align()), (8, 8));
/// assert_eq!((FieldType::Event.size(), FieldType::Event.align()), (4, 4));
/// let s = FieldType::Striped { kind: Kind::Uint, width: 8, cells: 16, stride: 128 };
/// assert_eq!((s.size(), s.align()), (16 * 128, 128));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldType {
    /// An atomic value.
    Value {
        /// Its kind.
        kind: Kind,
        /// Its width in bytes.
        width: usize,
    },
    /// A nested `#[atomic_layout]` struct.
    Layout(&'static LayoutDesc),
    /// A seqlock record (`Seq<L>`): a 64-bit sequence word at offset 0, then the
    /// record's layout at [`seq_record_offset`](FieldType::seq_record_offset) (its
    /// alignment, at least 8); the whole is aligned to at least 8.
    Seq(&'static LayoutDesc),
    /// A striped counter (`Striped<T, N>`): `cells` values of one kind and width, the
    /// i-th at byte `i * stride` (a power of two, at least the width: one cache line
    /// or more per cell); aligned to `stride`.
    Striped {
        /// The kind of each cell.
        kind: Kind,
        /// The width of each cell in bytes.
        width: usize,
        /// How many cells.
        cells: usize,
        /// Bytes from one cell to the next.
        stride: usize,
    },
    /// An event (`Event`): a 32-bit word the library owns, for waiting on any condition.
    Event,
}

impl FieldType {
    /// The offset of the record inside a [`Seq`](FieldType::Seq) field whose record
    /// layout is aligned to `align`: `max(8, align)`.
    pub const fn seq_record_offset(align: usize) -> usize {
        if align > 8 { align } else { 8 }
    }

    /// The bytes one element of this type occupies.
    pub const fn size(&self) -> usize {
        match *self {
            FieldType::Value { width, .. } => width,
            FieldType::Layout(d) => d.size,
            FieldType::Seq(d) => {
                let a = Self::seq_record_offset(d.align);
                // The record's size rounded up to the whole's alignment.
                a + d.size.div_ceil(a) * a
            }
            FieldType::Striped { cells, stride, .. } => cells * stride,
            FieldType::Event => 4,
        }
    }

    /// The natural alignment of one element of this type.
    pub const fn align(&self) -> usize {
        match *self {
            FieldType::Value { width, .. } => width,
            FieldType::Layout(d) => d.align,
            FieldType::Seq(d) => Self::seq_record_offset(d.align),
            FieldType::Striped { stride, .. } => stride,
            FieldType::Event => 4,
        }
    }
}

/// The descriptor of one field of a layout.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Kind, Layout};
///
/// #[atomic_layout]
/// struct S { a: u8, b: [i32; 3] }
///
/// let b = &S::FIELDS[1];
/// assert_eq!((b.name, b.offset, b.width(), b.kind(), b.array_len), ("b", 4, 4, Some(Kind::Int), Some(3)));
/// assert_eq!(b.size(), 12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDesc {
    /// The field's name.
    pub name: &'static str,
    /// Its offset from the start of the layout.
    pub offset: usize,
    /// A value, a nested layout or another field type.
    pub ty: FieldType,
    /// `Some(n)` for an array of `n` elements.
    pub array_len: Option<usize>,
    /// The field's alignment (its natural one, or the `#[atomic(align = N)]` given).
    pub align: usize,
}

impl FieldDesc {
    /// The width of one element: the value's width, or the size of one element of
    /// another type ([`FieldType::size`]).
    pub const fn width(&self) -> usize {
        self.ty.size()
    }

    /// The kind of a value field; `None` for any other type.
    pub const fn kind(&self) -> Option<Kind> {
        match self.ty {
            FieldType::Value { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// The nested layout's descriptor, if this field is one.
    pub const fn nested(&self) -> Option<&'static LayoutDesc> {
        match self.ty {
            FieldType::Layout(d) => Some(d),
            _ => None,
        }
    }

    /// The operations each element offers as a plain atomic (empty for any type but a
    /// value).
    pub const fn ops(&self) -> OpSet {
        match self.ty {
            FieldType::Value { kind, .. } => kind.ops_supported(),
            _ => OpSet::EMPTY,
        }
    }

    /// The bytes the field occupies: width times the array length.
    pub const fn size(&self) -> usize {
        match self.array_len {
            Some(n) => self.width() * n,
            None => self.width(),
        }
    }
}

/// The descriptor of a whole layout: what `Layout::DESC` holds, and what a segment
/// stores so that tools can read it without the Rust type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayoutDesc {
    /// The struct's name.
    pub name: &'static str,
    /// Its size in bytes.
    pub size: usize,
    /// Its alignment in bytes.
    pub align: usize,
    /// Its fields, in declaration order.
    pub fields: &'static [FieldDesc],
}

impl LayoutDesc {
    /// The fingerprint: 64-bit FNV-1a over the canonical descriptor (format tag, size,
    /// alignment, then per field: name, offset, kind or nested fingerprint, width, array
    /// length, alignment). `const`, so `Layout::FINGERPRINT` costs nothing at run time.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Layout;
    /// #[atomic_layout]
    /// struct A { x: u32 }
    /// assert_eq!(A::DESC.fingerprint(), A::FINGERPRINT);
    /// ```
    pub const fn fingerprint(&self) -> u64 {
        let mut h = fp::begin(self.size, self.align, self.fields.len());
        let mut i = 0;
        while i < self.fields.len() {
            let f = &self.fields[i];
            let ty = match f.ty {
                FieldType::Value { kind, width } => fp::Ty::Value(kind, width),
                FieldType::Layout(d) => fp::Ty::Layout(d.fingerprint()),
                FieldType::Seq(d) => fp::Ty::Seq(d.fingerprint()),
                FieldType::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => fp::Ty::Striped(kind, width, cells, stride),
                FieldType::Event => fp::Ty::Event,
            };
            h = fp::field(h, f.name, f.offset, ty, f.array_len, f.align);
            i += 1;
        }
        h
    }

    /// Whether any field, at any depth, is 16 bytes wide.
    pub const fn has_16_byte_fields(&self) -> bool {
        let mut i = 0;
        while i < self.fields.len() {
            match self.fields[i].ty {
                FieldType::Value { width: 16, .. } | FieldType::Striped { width: 16, .. } => {
                    return true;
                }
                FieldType::Layout(d) | FieldType::Seq(d) if d.has_16_byte_fields() => {
                    return true;
                }
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// The C11 header declaring this layout (and its nested layouts) for C and C++:
    /// include guard, `<stdint.h>`/`<stddef.h>`, `_Atomic` fields (`std::atomic<T>` when
    /// compiled as C++, which has the same size, alignment and lock-free representation
    /// on GCC and Clang), explicit padding arrays, `_Static_assert`s on every offset, the
    /// size and the alignment, and `#define`s for the fingerprint and the size.
    ///
    /// Type mapping: ints and uints to `intN_t`/`uintN_t` (16 bytes: `__int128`),
    /// `bool` to `uint8_t` (any non-zero byte is true; C's `_Bool` may hold only 0 or 1),
    /// `[u8; N]` to the unsigned integer of width N (C has no atomic arrays; memory order
    /// of its bytes is the array's), floats to `float`/`double`.
    ///
    /// Names: a keyword of C or C++ (`class`, `int`, `new`), or a name the header uses,
    /// is declared with a trailing `_` (`class_`); two distinct nested layouts of one
    /// name are declared as `Name` and `Name_xxxxxxxx` (upper 32 bits of the
    /// fingerprint). `<snake>_segment(map, len)` checks a mapped file as
    /// `Segment::open` does, including its descriptor byte for byte. The repository's
    /// docs/C.md states the rules in full.
    #[cfg(feature = "std")]
    pub fn c_header(&self) -> std::string::String {
        crate::layout::descriptor::LayoutDescBuf::from_desc(self).c_header()
    }
}

/// Checks that a layout can be viewed in shared memory here: a 16-byte field needs a
/// lock-free 16-byte atomic.
pub(crate) fn check_layout_lock_free<L: Layout>() -> Result<(), Error> {
    if L::DESC.has_16_byte_fields() {
        crate::cell::width::Width::W16.check_usable(false)?;
    }
    Ok(())
}

/// Refuses an address that is not aligned for layout `L`, naming the layout.
pub(crate) fn check_layout_aligned<L: Layout>(addr: usize) -> Result<(), Error> {
    if addr % L::ALIGN == 0 {
        return Ok(());
    }
    Err(LayoutAlignmentError {
        addr,
        required: L::ALIGN,
        layout: L::NAME,
        size: L::SIZE,
    }
    .into())
}

impl<'a> Region<'a> {
    /// A checked view of layout `L` at the start of the region: the region must hold
    /// at least `L::SIZE` bytes ([`SizeError`](crate::SizeError)), start at an address
    /// aligned to `L::ALIGN` ([`LayoutAlignmentError`]) and be writable
    /// ([`ReadOnlyRegionError`]). Use [`subregion`](Region::subregion) for an offset.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, Region};
    ///
    /// #[atomic_layout]
    /// struct Pair { a: u32, b: u32 }
    ///
    /// #[repr(align(8))]
    /// struct Buf([u8; 8]);
    /// let mut buf = Buf([0; 8]);
    /// let region = Region::new(&mut buf.0);
    /// let pair = region.view::<Pair>()?;
    /// pair.b().store(7);
    /// assert_eq!(region.read_at::<u32>(4)?.load(), 7);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn view<L: Layout>(&self) -> Result<&'a L, Error> {
        if self.is_readonly() {
            return Err(ReadOnlyRegionError { layout: L::NAME }.into());
        }
        let ptr = self.subregion(0, L::SIZE)?.as_ptr();
        check_layout_aligned::<L>(ptr as usize)?;
        check_layout_lock_free::<L>()?;
        // SAFETY: `ptr` is aligned to L::ALIGN and has L::SIZE valid bytes for 'a, which
        // are accessed only atomically (the region's contract); by the `Layout` contract
        // 1 and 2 every bit pattern is a valid L made only of atomics and padding.
        Ok(unsafe { &*(ptr as *const L) })
    }
}
