//! Consistent records (`Seq<L>`) and striped counters (`Striped<T, N>`), one module per
//! concern:
//! - `api`: in-process behaviour: threads, `update`, torn and invalid records, the
//!   descriptor, striped sums and intervals;
//! - `processes`: real processes: two writers and readers checking that no read is ever
//!   mixed, a writer killed with SIGKILL at random points, striped counters from two
//!   processes;
//! - `snapshots`: whole-layout snapshots (typed read-only and raw) in real processes: a
//!   million never mixed, a writer SIGKILLed mid-write reported by each;
//! - `c`: C writers and readers on the same records through the generated header.
//!
//! The multi-process tests re-run this test binary as their workers, selecting one test
//! by its full name (`test_name!`, in `tests/common/mod.rs`).
#![allow(missing_docs)]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod api;
mod c;
#[cfg(feature = "cli")]
mod cli;
mod processes;
mod snapshots;
