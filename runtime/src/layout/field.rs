//! The [`Field`] trait: what an element of a layout that is not a plain value must tell
//! the macro. Every [`Layout`] is a `Field` (a nested layout); the runtime's own field
//! types (seqlock records, striped counters, events) implement it too, so
//! `#[atomic_layout]` knows nothing about them beyond their type path.

use crate::layout::{FieldType, Layout, Plain};

/// A type that can be a field of an `#[atomic_layout]` struct besides a plain value: a
/// nested layout (every [`Layout`] is a `Field`), or one of the runtime's field types.
///
/// The macro reads the element's size, alignment and descriptor type from here, uses
/// [`Snapshot`](Field::Snapshot) in the layout's snapshot twin, and
/// [`load_field`](Field::load_field) / [`store_field`](Field::store_field) in
/// `snapshot()` / `store_snapshot()`.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Field, FieldType, Layout};
///
/// #[atomic_layout]
/// struct Net { rx: u64, tx: u64 }
///
/// assert_eq!(<Net as Field>::SIZE, 16);
/// assert_eq!(<Net as Field>::TYPE, FieldType::Layout(&Net::DESC));
/// let net = Net::new();
/// net.rx().store(3);
/// assert_eq!(net.load_field().rx, 3);
/// ```
///
/// # Safety
///
/// Implementors guarantee that `size_of::<Self>() == SIZE`, `align_of::<Self>() ==
/// ALIGN`, that every bit pattern is a valid `Self` made only of atomics and padding
/// that is never accessed non-atomically (as the [`Layout`] contract 2 states), that
/// `TYPE` describes the memory truthfully (the descriptor's size for it equals `SIZE`),
/// and that `Snapshot` has the same size and alignment as `Self`, its bytes being the
/// plain values of `Self`'s bytes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of an atomic layout",
    label = "not a value type, an `#[atomic_layout]` struct or a field type of the runtime",
    note = "a field of an #[atomic_layout] struct is i8..i128, u8..u128, f32, f64, bool, [u8; N] (N = 1, 2, 4, 8, 16), an array of those, or another #[atomic_layout] struct"
)]
pub unsafe trait Field: Sized + Send + Sync + 'static {
    /// `size_of::<Self>()`.
    const SIZE: usize;
    /// `align_of::<Self>()`.
    const ALIGN: usize;
    /// What the layout's descriptor says about this element.
    const TYPE: FieldType;
    /// The plain twin of the element, used in the layout's snapshot.
    type Snapshot: Plain;

    /// Loads the element into its snapshot.
    fn load_field(&self) -> Self::Snapshot;

    /// Stores a snapshot into the element.
    fn store_field(&self, snapshot: &Self::Snapshot);
}

// SAFETY: the `Layout` contract gives size, alignment and the all-bit-patterns rule;
// `FieldType::Layout(&L::DESC)` has size `L::DESC.size == L::SIZE`; the macro asserts
// that the snapshot twin has the layout's size and alignment.
unsafe impl<L: Layout> Field for L {
    const SIZE: usize = L::SIZE;
    const ALIGN: usize = L::ALIGN;
    const TYPE: FieldType = FieldType::Layout(&L::DESC);
    type Snapshot = L::Snapshot;

    #[inline]
    fn load_field(&self) -> L::Snapshot {
        Layout::snapshot(self)
    }

    #[inline]
    fn store_field(&self, snapshot: &L::Snapshot) {
        Layout::store_snapshot(self, snapshot)
    }
}
