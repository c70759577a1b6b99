//! # shm-atomics
//!
//! Lock-free, address-free atomics of every width (1, 2, 4, 8, 16 bytes) for memory
//! shared between threads, processes and C/C++ programs.
//!
//! This facade re-exports the runtime
//! ([`shm-atomics-runtime`](https://docs.rs/shm-atomics-runtime)) and the
//! [`#[atomic_layout]`](macro@atomic_layout) attribute; depend on it, not on those two
//! crates. The pieces:
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
//! # Features
//!
//! | feature | default | enables |
//! |---|---|---|
//! | `std` | yes | run-time CPU detection for read-only 16-byte loads, `std::error::Error` impls, owned descriptors (`LayoutDescBuf`) and `Layout::c_header()` |
//! | `shm` | yes | `Segment`, `ReadOnlySegment`, `RawSegment`, `SegmentOptions`, `Trust`, `TrustOption`, `SegmentError`, `default_dir`, `checked_default_dir`, `resolve_path`, `list_segments`, `temporary_files`, `remove_leftovers`: file-backed segments (implies `std`) |
//! | `atom` | yes | `Atom`, `AtomGuard`, `ValidationError`: Clojure-style atoms (implies `std`) |
//! | `cli` | no | the `shma` command-line tool (implies `std` and `shm`) |
//!
//! With `default-features = false` the crate is `#![no_std]` and allocation-free: atomics,
//! views, the dynamic API and `#[atomic_layout]` layouts stay; `use shm_atomics::Segment`
//! then fails with "no `Segment` in the root": enable the feature that the table names,
//! e.g. `shm-atomics = { version = "0.1", default-features = false, features = ["shm"] }`.
//!
//! # Targets
//!
//! Every width that a view or a segment accepts is lock-free and address-free on the
//! running CPU, or the view is refused with [`UnsupportedWidth`]. Owned atomics of a width
//! the target cannot do lock-free (`Atomic<u64>` on `thumbv7em`, `Atomic<u128>` on an
//! x86_64 CPU without `cmpxchg16b`) fall back to portable-atomic's global lock table: a
//! spin lock, so never use them from an interrupt handler that may preempt the lock's
//! holder, and never in memory shared with another process. README's "Which widths
//! are lock-free" section has the table per target.
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
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use shm_atomics_macros::atomic_layout;
pub use shm_atomics_runtime::*;
// The feature-gated headline items again, by name, so that docs.rs marks them with the
// feature that enables them (a glob re-export of another crate carries no such badge).
#[cfg(feature = "atom")]
#[cfg_attr(docsrs, doc(cfg(feature = "atom")))]
pub use shm_atomics_runtime::{Atom, AtomGuard, ValidationError};
#[cfg(feature = "shm")]
#[cfg_attr(docsrs, doc(cfg(feature = "shm")))]
pub use shm_atomics_runtime::{RawSegment, ReadOnlySegment, Segment};

/// The README's Rust code blocks, compiled and run as doctests so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The Rust code blocks of the guides in `docs/`, compiled and run as doctests like the
/// README's. (`docs/` is not packaged: these items exist only under `cfg(doctest)`.)
#[cfg(doctest)]
pub mod guides {
    /// docs/ATOMICS.md
    #[doc = include_str!("../docs/ATOMICS.md")]
    pub struct Atomics;
    /// docs/LAYOUTS.md
    #[doc = include_str!("../docs/LAYOUTS.md")]
    pub struct Layouts;
    /// docs/RECORDS.md
    #[doc = include_str!("../docs/RECORDS.md")]
    pub struct Records;
    /// docs/WAITING.md
    #[doc = include_str!("../docs/WAITING.md")]
    pub struct Waiting;
    /// docs/SEGMENTS.md
    #[doc = include_str!("../docs/SEGMENTS.md")]
    pub struct Segments;
    /// docs/PORTING.md
    #[doc = include_str!("../docs/PORTING.md")]
    pub struct Porting;
}
