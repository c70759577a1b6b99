//! The dynamic API: atomics whose width and kind are known only at run time (tools,
//! descriptors read from a segment, parity with the Python `atomics` package).
//!
//! [`atomic`] makes an owned [`DynAtomic`]; [`atomicview`] makes a [`DynAtomicView`] of a
//! [`Region`](crate::Region) whose length is the width. Both offer every operation of
//! [`Atomic<T>`](crate::Atomic) under the same names, each returning a `Result`: an
//! operation the kind (or a read-only view) does not offer is
//! [`UnsupportedOperation`](crate::UnsupportedOperation), an operand that does not fit is
//! [`OperandError`](crate::OperandError) (never truncated). Operands are anything that
//! converts into an [`Operand`] (integers, `bool`, floats, byte strings); results are
//! [`DynValue`]s.
//!
//! Every operation is dispatched on the width to the typed `Atomic<u8>` ..
//! `Atomic<u128>` (or `Atomic<bool>`, `Atomic<f32>`, `Atomic<f64>`, or a
//! [`ReadOnly`](crate::ReadOnly) view), so memory order validation, alignment and
//! lock-freedom checks are the typed API's own.
//!
//! By concern: `values` ([`AType`], [`DynValue`]), `operand` ([`Operand`] and whether it
//! fits), `dispatch` (the list of typed cells and every operation's way to them),
//! `methods` (the public methods both handles share), `owned` ([`DynAtomic`],
//! [`atomic`]), `view` ([`DynAtomicView`], [`atomicview`]), `typed` (`as_atomic` and
//! `as_readonly`: the typed cell, checked once, for hot loops) and `wait` (blocking waits
//! on 4-byte values, with `std`).

mod dispatch;
#[macro_use]
mod methods;
mod operand;
mod owned;
mod typed;
mod values;
mod view;
#[cfg(feature = "std")]
mod wait;

pub use operand::Operand;
pub use owned::{DynAtomic, atomic};
pub use values::{AType, DynValue};
pub use view::{DynAtomicView, atomicview};
