//! Declared structs: the [`Layout`] trait that `#[atomic_layout]` implements, its static
//! field table, the fingerprint, the owned descriptor that segments store (encode and
//! decode), and the C header rendered from it.
//!
//! Owns: `Layout`, `Field`, `Plain` (a snapshot as bytes), `FieldDesc`/`FieldType`/`LayoutDesc` (static, generated),
//! `LayoutDescBuf` (owned, decoded), `c_header()`, and `Region::view::<L>()`.
//! Uses: `cell` (kinds, widths, operations) and `view` (a layout is viewed in a
//! [`Region`]); never `segment` or `atom`.
//!
//! Files import each other in one direction: `build`, `walk` and `cheader` (which uses
//! `c_records` and `c_wait`, and defines `LayoutDescBuf::c_header`) use `descriptor`, the
//! owned descriptor; `declared` (the `Layout` trait's checks) uses `descriptor`,
//! `fingerprint` and `plain`; `descriptor` uses only `fingerprint` and `ident`, never
//! its renderers.

#[cfg(feature = "std")]
pub(crate) mod build;
#[cfg(feature = "std")]
pub(crate) mod c_records;
#[cfg(feature = "std")]
mod c_wait;
#[cfg(feature = "std")]
pub(crate) mod cheader;
mod declared;
#[cfg(feature = "std")]
pub(crate) mod descriptor;
mod field;
pub(crate) mod fingerprint;
#[cfg(feature = "std")]
pub(crate) mod ident;
#[cfg(feature = "std")]
pub(crate) mod path;
mod plain;
pub(crate) mod private;
#[cfg(feature = "std")]
pub(crate) mod walk;

pub(crate) use crate::view::region::Region;
pub use declared::{FieldDesc, FieldType, Layout, LayoutDesc, MAX_ALIGN};
#[cfg(feature = "shm")]
pub(crate) use declared::{check_layout_aligned, check_layout_lock_free};
pub use field::Field;
pub use plain::Plain;
