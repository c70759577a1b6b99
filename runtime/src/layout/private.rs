//! Items used by code that `#[atomic_layout]` generates.

/// Items used by code that `#[atomic_layout]` generates. Not public API: they may
/// change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::layout::{FieldDesc, FieldType, LayoutDesc};

    use core::cell::UnsafeCell;
    use core::mem::MaybeUninit;

    use crate::error::{Error, SizeError};
    use crate::layout::{Field, Layout, Plain, Region};

    /// `N` bytes of padding in a layout: never read or written by this crate, and
    /// `UnsafeCell` so that a `&Layout` makes no claim that others do not write them.
    #[repr(transparent)]
    pub struct Pad<const N: usize>(UnsafeCell<[MaybeUninit<u8>; N]>);

    // SAFETY: the padding is never accessed through a `Pad`.
    unsafe impl<const N: usize> Sync for Pad<N> {}

    impl<const N: usize> Pad<N> {
        /// Zeroed padding.
        pub const fn new() -> Self {
            Pad(UnsafeCell::new([MaybeUninit::new(0); N]))
        }
    }

    impl<const N: usize> Default for Pad<N> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// A layout with every byte zero.
    pub const fn zeroed<L: Layout>() -> L {
        // SAFETY: by the `Layout` contract 2, every bit pattern (all-zero included) is a
        // valid `L`.
        unsafe { core::mem::zeroed() }
    }

    /// `offset` rounded up to a multiple of `align` (a power of two).
    pub const fn align_up(offset: usize, align: usize) -> usize {
        (offset + align - 1) & !(align - 1)
    }

    /// The larger of two alignments.
    pub const fn max(a: usize, b: usize) -> usize {
        if a > b { a } else { b }
    }

    /// The largest of `aligns` (the alignment of a layout with nested fields).
    pub const fn max_of(aligns: &[usize]) -> usize {
        let mut m = 1;
        let mut i = 0;
        while i < aligns.len() {
            m = max(m, aligns[i]);
            i += 1;
        }
        m
    }

    /// Checks, at compile time, that every field sits where `FIELDS` says, in the layout
    /// (`layout[i]`, from `offset_of!`) and in its snapshot (`snapshot[i]`). One loop for
    /// every field keeps the expansion small; only a bug of the macro can fail it.
    pub const fn check_offsets(fields: &[FieldDesc], layout: &[usize], snapshot: &[usize]) {
        assert!(
            fields.len() == layout.len() && fields.len() == snapshot.len(),
            "internal error in #[atomic_layout]: FIELDS does not list every field; please report it"
        );
        let mut i = 0;
        while i < fields.len() {
            assert!(
                fields[i].offset == layout[i] && fields[i].offset == snapshot[i],
                "internal error in #[atomic_layout]: a field is not at the offset it computed; \
                 please report it with the struct"
            );
            i += 1;
        }
    }

    /// Compile-time proof that `T` is a layout or another field type; the error names
    /// the field's type.
    pub const fn assert_field<T: Field>() {}

    /// A checked view of `L` over an exclusively borrowed buffer of exactly `L::SIZE` bytes.
    /// Whether the `size_of::<T>()` bytes of `bytes` at `off` are a valid `T` (one call
    /// per field of a snapshot's `Plain::is_valid` that can be invalid; out of range is
    /// `false`).
    #[inline]
    pub fn valid<T: Plain>(bytes: &[u8], off: usize) -> bool {
        bytes
            .get(off..off + core::mem::size_of::<T>())
            .is_some_and(T::is_valid)
    }

    pub fn from_mut<L: Layout>(buf: &mut [u8]) -> Result<&L, Error> {
        if buf.len() != L::SIZE {
            return Err(SizeError {
                needed: L::SIZE,
                got: buf.len(),
            }
            .into());
        }
        Region::new(buf).view::<L>()
    }
}
