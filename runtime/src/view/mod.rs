//! Views of memory someone else owns: a borrowed [`Region`](crate::Region) with checked
//! views of atomics in it, the load-only [`ReadOnly`](crate::ReadOnly) view, and the
//! dynamic API ([`DynAtomic`](crate::DynAtomic)) for widths and kinds known at run time.
//!
//! Owns: bounds, alignment and writability checks of foreign memory, and the values and
//! operands of the dynamic API.
//! Uses: `cell` only (and the crate's error vocabulary).

pub(crate) mod dynamic;
pub(crate) mod region;
