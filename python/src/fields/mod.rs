//! A segment's fields that are more than one value, as Python objects (the segment
//! format's version 2 field types): [`event`] (`Event`, a word to wait on and notify),
//! [`striped`] (`Striped`, a counter spread over cells) and [`record`] (`SeqRecord`, a
//! seqlock record read whole). Each holds the segment's mapping (`Keep::Map`'s lease)
//! and the field's offset in the payload; after `close()` they raise `ValueError`.
//! `segment.rs` makes them; they never reach back into it.

pub mod event;
pub mod record;
pub mod striped;

pub use event::PyEvent;
pub use record::PySeq;
pub use striped::PyStriped;
