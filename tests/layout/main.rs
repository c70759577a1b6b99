//! `#[atomic_layout]` layouts, one module per concern:
//! - `rust`: offsets, accessors, snapshots, Debug, views and fingerprints, in Rust;
//! - `c`: the generated C headers against gcc and g++ (needs the `std` feature, which
//!   `c_header()` needs);
//! - `c_interop`: C and Rust processes incrementing one file-backed layout (`std` too).
//!
//! The Rust module needs no feature, so `cargo test --no-default-features` still runs
//! it; the C modules are compiled only with `std`.
#![allow(missing_docs)]

#[cfg(feature = "std")]
#[macro_use]
#[path = "../common/mod.rs"]
mod common;

#[cfg(feature = "std")]
mod c;
#[cfg(feature = "std")]
mod c_interop;
mod rust;
