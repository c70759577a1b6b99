//! Runtime of the [`shm-atomics`](https://docs.rs/shm-atomics) crate: lock-free, address-free
//! atomics of widths 1, 2, 4, 8 and 16 bytes for memory shared between threads,
//! processes and C code.
//!
//! Use it through the facade crate `shm-atomics`, which re-exports everything here. The
//! pieces:
//!
//! - [`Atomic<T>`]: an atomic `T` (integers, floats, `bool`, `[u8; N]`) with the whole
//!   C++ `std::atomic` operation set under the reference design's names, and
//!   `_explicit` variants taking a validated [`MemoryOrder`];
//! - [`Region`]: borrowed memory shared with others, with checked views of atomics in it;
//! - [`atomic`] / [`atomicview`]: the dynamic API for widths and kinds known at run time;
//! - [`Error`]: every refusal as a value, never a panic.
//!
//! Everything that can reach shared memory is lock-free and address-free: where the CPU
//! has no lock-free 16-byte atomic, views of that width are refused with
//! [`UnsupportedWidth`] rather than served by a process-local lock.
//!
//! ```
//! use shm_atomics::{Atomic, MemoryOrder};
//!
//! let counter = Atomic::<u32>::new(0);
//! std::thread::scope(|s| {
//!     for _ in 0..4 {
//!         s.spawn(|| for _ in 0..1000 { counter.inc(); });
//!     }
//! });
//! assert_eq!(counter.load_explicit(MemoryOrder::Acquire), Ok(4000));
//! ```
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

mod align;
#[cfg(feature = "atom")]
mod atom;
mod atomic;
#[cfg(feature = "std")]
mod cheader;
#[cfg(feature = "std")]
mod descriptor;
mod dynamic;
mod error;
mod java;
mod layout;
mod ops;
mod order;
mod region;
#[cfg(feature = "shm")]
mod segment;
mod value;

pub use align::Alignment;
#[cfg(feature = "atom")]
pub use atom::{Atom, AtomGuard, ValidationError};
pub use atomic::{Atomic, CmpxchgResult};
#[cfg(feature = "std")]
pub use descriptor::{DescField, DescType, Descriptor, DescriptorError, Leaf, value_type_name};
pub use dynamic::{AType, DynAtomic, DynAtomicView, DynValue, Operand, atomic, atomicview};
pub use error::{
    AlignmentError, BitIndexError, Error, MemoryOrderError, OperandError, OperandValue, SizeError,
    UnsupportedOperation, UnsupportedWidth, WidthReason,
};
pub use layout::{__private, FieldDesc, FieldType, Layout, LayoutDesc};
pub use ops::{OpSet, OpType};
pub use order::MemoryOrder;
pub use region::{ReadOnly, Region};
#[cfg(feature = "shm")]
pub use segment::{
    FIXED_HEADER, FORMAT_VERSION, MAGIC, PAYLOAD_ALIGN, READY, RawSegment, ReadOnlySegment,
    Segment, SegmentError, SegmentErrorKind, SegmentInfo, SegmentOptions, default_dir,
    resolve_path,
};
pub use value::{Arithmetic, Bitwise, Float, Integer, Kind, Value};
