//! # atomics
//!
//! Lock-free, address-free atomics of every width (1, 2, 4, 8, 16 bytes) for memory
//! shared between threads, processes and C/C++ programs.
//!
//! This is the facade crate: it re-exports the runtime ([`atomics_runtime`]).
//! See the README for the tour.
//!
//! ```
//! use atomics::Atomic;
//!
//! let hits = Atomic::<u64>::new(0);
//! hits.inc();
//! assert_eq!(hits.load(), 1);
//! ```
#![no_std]

pub use atomics_macros::atomic_layout;
pub use atomics_runtime::*;
