//! The atomic cell: one value of width 1, 2, 4, 8 or 16 bytes and everything that
//! describes an operation on it.
//!
//! Owns: memory orders and their validation ([`MemoryOrder`](crate::MemoryOrder)),
//! operation names and sets ([`OpType`](crate::OpType), [`OpSet`](crate::OpSet)),
//! widths and the one table of which widths each kind may have
//! ([`Width`](crate::Width)), alignment, the sealed value traits and their lock-free
//! storage (`value`), the typed cell [`Atomic<T>`](crate::Atomic) (`atomic`:
//! constructors and what every value offers; `capability`: bit, arithmetic and integer
//! operations) and its Java-style names; (feature `std`) blocking waits on 32-bit cells
//! across processes (`wait`: futex on Linux, one file per platform).
//! Uses: `core`, portable-atomic and the crate's error vocabulary; nothing above it.

pub(crate) mod align;
pub(crate) mod atomic;
pub(crate) mod capability;
pub(crate) mod java;
pub(crate) mod ops;
pub(crate) mod order;
pub(crate) mod value;
#[cfg(feature = "std")]
pub(crate) mod wait;
pub(crate) mod width;
