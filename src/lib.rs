//! # shm-atomics
//!
//! Lock-free, address-free atomics of every width (1, 2, 4, 8, 16 bytes) for memory
//! shared between threads, processes and C/C++ programs.
//!
//! This facade re-exports the runtime ([`shm_atomics_runtime`]) and the
//! [`#[atomic_layout]`](macro@atomic_layout) attribute. The pieces:
//!
//! - [`Atomic<T>`]: one atomic value (`i8`..`i128`, `u8`..`u128`, `f32`, `f64`, `bool`,
//!   `[u8; N]`), every C++ `std::atomic` operation, `_explicit` forms taking a validated
//!   [`MemoryOrder`];
//! - [`Region`], [`ReadOnly`]: views of memory someone else owns, checked for alignment
//!   and bounds, that cannot outlive it;
//! - [`atomic`], [`atomicview`], [`DynAtomic`]: the dynamic API for widths and kinds known
//!   at run time;
//! - [`macro@atomic_layout`], [`Layout`]: declared shared structs with accessors,
//!   snapshots, descriptors, fingerprints and C headers;
//! - `Segment`, `ReadOnlySegment`, `RawSegment` (feature `shm`): shared-memory files;
//! - `Atom` (feature `atom`): Clojure-style atoms;
//! - [`Error`]: every refusal, as a value.
//!
//! ```
//! use shm_atomics::{Atomic, atomic_layout};
//!
//! #[atomic_layout]
//! pub struct Stats {
//!     pub hits: u64,
//!     pub last: [u8; 16],
//! }
//!
//! static STATS: Stats = Stats::new();
//! STATS.hits().inc();
//! let counter = Atomic::<u32>::new(0);
//! counter.fetch_add(2);
//! assert_eq!((STATS.snapshot().hits, counter.load()), (1, 2));
//! ```
#![no_std]

pub use shm_atomics_macros::atomic_layout;
pub use shm_atomics_runtime::*;

/// The README's Rust code blocks, compiled and run as doctests so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
