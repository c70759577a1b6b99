//! Field types of layouts besides plain values and nested layouts: each implements
//! [`Field`](crate::Field), so `#[atomic_layout]` takes it by its type path alone.
//!
//! Owns: [`Event`](crate::Event) (`event.rs`), a 32-bit generation word for waiting on
//! any condition across processes.
//! Uses: `cell` (atomics, the wait primitives) and `layout` (`Field`, `FieldType`);
//! never `segment`.

pub(crate) mod event;
