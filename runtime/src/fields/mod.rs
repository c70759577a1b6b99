//! Field types of layouts besides plain values and nested layouts: [`Seq`] (a seqlock
//! record that readers always see whole), [`Striped`] (a counter spread over cache
//! lines) and [`Event`](crate::Event) (a 32-bit generation word for waiting on any
//! condition across processes). Each implements [`Field`](crate::Field), so
//! `#[atomic_layout]` takes it by its type path alone.
//!
//! Owns: the seqlock protocol (`protocol.rs`, also modelled under `cfg(loom)`), the
//! relaxed record copies driven by a descriptor (`copy.rs`), the writer-liveness checks
//! (`process.rs`), `Seq`, `SeqSnapshot`, `SeqError`, `Striped`, `Event` (`event.rs`), and
//! with `std` the descriptor-driven side: `LayoutCopy` (`layout_copy.rs`), records read
//! and written by descriptor (`seq_raw.rs`: `RecordCopy`, `read_record`, `update_record`,
//! `write_record`) and whole-layout snapshots (`snapshot.rs`: `snapshot_layout`).
//! Inside: `snapshot` -> `seq_raw` -> `layout_copy` -> `copy`/`protocol`/`process`.
//! Uses: `cell` (atomics, the wait primitives), `layout` (`Field`, `FieldType`, the
//! descriptor and its paths) and `view` (dynamic values); never `segment`.

pub(crate) mod copy;
pub(crate) mod event;
#[cfg(feature = "std")]
mod layout_copy;
pub(crate) mod process;
pub(crate) mod protocol;
#[cfg(all(test, loom))]
mod protocol_loom;
mod seq;
mod seq_error;
#[cfg(feature = "std")]
mod seq_raw;
#[cfg(feature = "std")]
mod snapshot;
mod striped;

#[cfg(feature = "std")]
pub use layout_copy::LayoutCopy;
pub use seq::{Seq, SeqSnapshot};
pub use seq_error::SeqError;
#[cfg(feature = "std")]
pub use seq_raw::{Enclosing, RecordCopy, RecordError, read_record, update_record, write_record};
#[cfg(feature = "std")]
pub use snapshot::snapshot_layout;
pub use striped::{
    STRIPE, Striped, StripedCell, StripedCellSnapshot, StripedI32, StripedI64, StripedSnapshot,
    StripedU32, StripedU64, StripedValue,
};
