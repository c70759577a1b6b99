//! File-backed segments (`Segment`, `ReadOnlySegment`, `RawSegment`), one module per
//! concern:
//! - `api`: bare names under `default_dir`, `from_file`, `SegmentOptions`, `info()`;
//! - `built`: layouts built at run time (`LayoutDescBuf::build`) equal the macro's;
//! - `create`: refusals before anything is published (alignment above the page, layouts
//!   `open` would refuse, `from_file` on pipes, sockets, devices), offsets, the ready word;
//! - `errors`: every refusal of the openers, with its exact `SegmentErrorKind`;
//! - `props`: hostile files (random bytes, truncations, bit flips) never crash an opener;
//! - `processes`: real processes sharing one segment, with exact totals;
//! - `c`: C and Rust processes on one segment file through the generated header;
//! - `truncate`: a file shrunk under live mappings kills no process and is reported;
//! - `replaced`: a file renamed over a mapped segment, or its removal, is reported;
//! - `walk`: field lookup and leaf walks that never expand arrays (a sparse 1 GiB file);
//! - `owners`: files of other users and shared-writable files, the per-user directory;
//! - `leftovers`: temporary files of killed creators, 255-byte names, `mode()` bits.
//!
//! The multi-process tests re-run this test binary as their workers, selecting one test
//! by its full name (`test_name!`, in `tests/common/mod.rs`).
#![allow(missing_docs)]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;
#[path = "../common/sparse.rs"]
mod sparse;

mod api;
mod built;
mod c;
mod create;
mod errors;
mod leftovers;
mod owners;
mod processes;
mod props;
mod replaced;
mod truncate;
mod walk;
