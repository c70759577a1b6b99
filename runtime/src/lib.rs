//! Runtime of the [`shm-atomics`](https://docs.rs/shm-atomics) crate: lock-free,
//! address-free atomics of widths 1, 2, 4, 8 and 16 bytes for memory shared between
//! threads, processes and C code. Use it through the facade crate `shm-atomics`, which
//! re-exports everything here and adds the `#[atomic_layout]` attribute.
//!
//! # Module map
//!
//! One folder per layer; a layer uses only the layers above it in this list (and the
//! crate's error vocabulary, [`Error`], which names them all):
//!
//! | layer | owns |
//! |---|---|
//! | `cell/` | [`MemoryOrder`], [`OpType`]/[`OpSet`], [`Width`] (and which widths each [`Kind`] may have), [`Alignment`], the sealed [`Value`] traits and their lock-free storage, [`Atomic<T>`] |
//! | `view/` | [`Region`] and [`ReadOnly`] over memory someone else owns; the dynamic API ([`atomic`], [`atomicview`], [`DynAtomic`]) |
//! | `layout/` | [`Layout`] and its static field table, [`Plain`] (a snapshot as bytes), the fingerprint, the owned descriptor (encode/decode), the C header |
//! | `fields/` | field types of layouts besides values: [`Seq`] (a record read whole), [`Striped`] (a counter over cache lines), [`Event`] (a generation word to wait on); the seqlock protocol; [`process_alive`], the one liveness rule |
//! | `segment/` | (feature `shm`, unix only) file-backed segments: format, create, open, mapping, typed, read-only and raw handles, trust, listing (`list_segments`) |
//! | `atom.rs` | (feature `atom`) Clojure-style `Atom<T>` for in-process state |
//! | `error.rs` | every refusal as a value, naming the types of every layer (so `cell/ops`, `cell/order` and `cell/value` use no error type) |
//!
//! # The data path
//!
//! A declaration (`#[atomic_layout] struct Stats`) becomes a **layout** (`impl Layout`:
//! offsets, widths, kinds, fingerprint); a **view** places it over memory (a
//! [`Region`] or a segment's mapping) after checking size and alignment; each field is a
//! **cell** (`&Atomic<u64>`), whose operation, order validated, is one **instruction**
//! (`lock xadd`, `cmpxchg16b`, ...) on the shared bytes.
//!
//! Everything that can reach shared memory is lock-free and address-free: where the CPU
//! has no lock-free 16-byte atomic, views of that width are refused with
//! [`UnsupportedWidth`] rather than served by a process-local lock. An owned atomic of a
//! width the target cannot do lock-free (`Atomic<u64>` on `thumbv7em`, which has no
//! 64-bit atomics) still works within one program, through portable-atomic's fallback: a
//! seqlock from a global table of spin locks. Never use such an atomic from an interrupt
//! handler that may preempt its lock's holder (it would spin forever), and never in
//! memory another process maps; [`Atomic::is_lock_free`] tells which case you have.
//!
//! ```
//! # use shm_atomics_runtime as shm_atomics;
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
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "atom")]
mod atom;
mod cell;
mod error;
mod fields;
mod layout;
#[cfg(all(feature = "shm", unix))]
mod segment;
#[cfg(all(feature = "shm", not(unix)))]
compile_error!(
    "the `shm` feature (file-backed segments) needs a unix target: it relies on O_NOFOLLOW, \
     pread and MAP_SHARED; build without it (default-features = false, features = [\"std\", \"atom\"])"
);
mod view;

#[cfg(feature = "atom")]
#[cfg_attr(docsrs, doc(cfg(feature = "atom")))]
pub use atom::{Atom, AtomGuard, ValidationError};
pub use cell::align::Alignment;
pub use cell::atomic::{Atomic, CmpxchgResult};
pub use cell::ops::{OpSet, OpType};
pub use cell::order::{MemoryOrder, MemoryOrderError};
pub use cell::value::{Arithmetic, Bitwise, Float, Integer, Kind, Value};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use cell::wait::WaitOutcome;
pub use cell::width::Width;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use error::path::{MAX_PATH, PathError, PathErrorKind};
pub use error::{
    AlignmentError, BitIndexError, Error, LayoutAlignmentError, OperandError, OperandValue,
    ReadOnlyRegionError, SizeError, TypeMismatch, UnsupportedOperation, UnsupportedWidth,
    WidthReason,
};
pub use fields::event::Event;
pub use fields::process::process_alive;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use fields::{
    Enclosing, LayoutCopy, RecordCopy, RecordError, read_record, snapshot_layout, update_record,
    write_record,
};
pub use fields::{
    STRIPE, Seq, SeqError, SeqSnapshot, Striped, StripedCell, StripedCellSnapshot, StripedI32,
    StripedI64, StripedSnapshot, StripedU32, StripedU64, StripedValue,
};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use layout::build::{FieldSpec, LayoutBuildError};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use layout::descriptor::{
    DescriptorError, FieldDescBuf, FieldTypeBuf, LayoutDescBuf, value_type_name,
};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use layout::path::{Location, RecordAt, Target};
pub use layout::private::__private;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use layout::walk::{Leaf, Leaves};
pub use layout::{Field, FieldDesc, FieldType, Layout, LayoutDesc, MAX_ALIGN, Plain};
#[cfg(all(feature = "shm", unix))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "shm", unix))))]
pub use segment::{
    FIXED_HEADER, FORMAT_VERSION, ListedSegment, MAGIC, PAYLOAD_ALIGN, READY, RawSegment,
    ReadOnlySegment, Segment, SegmentError, SegmentErrorKind, SegmentHeader, SegmentInfo,
    SegmentOptions, TempFile, Trust, TrustOption, checked_default_dir, default_dir, list_segments,
    remove_leftovers, resolve_path, temporary_files,
};
pub use view::dynamic::{AType, DynAtomic, DynAtomicView, DynValue, Operand, atomic, atomicview};
pub use view::region::{ReadOnly, Region};
