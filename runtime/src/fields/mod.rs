//! Field types of layouts beyond plain values: [`Seq`] (a seqlock record
//! that readers always see whole) and [`Striped`] (a counter spread over
//! cache lines). Each implements [`Field`](crate::Field), so `#[atomic_layout]` accepts
//! it by its type path.
//!
//! Owns: the seqlock protocol (`protocol.rs`, also modelled under `cfg(loom)`), the
//! relaxed record copies driven by a descriptor (`copy.rs`), the writer-liveness checks
//! (`process.rs`), `Seq`, `SeqSnapshot`, `SeqError`, `Striped`.
//! Uses: `cell` and `layout`; never `segment`.

pub(crate) mod copy;
pub(crate) mod process;
pub(crate) mod protocol;
#[cfg(all(test, loom))]
mod protocol_loom;
mod seq;
mod seq_error;
#[cfg(feature = "std")]
mod seq_raw;
mod striped;

pub use seq::{Seq, SeqSnapshot};
pub use seq_error::SeqError;
#[cfg(feature = "std")]
pub use seq_raw::{Enclosing, RecordCopy, RecordError, read_record};
pub use striped::{
    STRIPE, Striped, StripedCell, StripedCellSnapshot, StripedI32, StripedI64, StripedSnapshot,
    StripedU32, StripedU64, StripedValue,
};
