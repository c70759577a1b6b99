//! `#[atomic_layout]`: a struct of plain field types becomes a `#[repr(C)]` layout of
//! atomics with an accessor per field, a plain snapshot twin, a field descriptor table, a
//! fingerprint and a C header. Use it through the `shm-atomics` crate, which re-exports it;
//! the attribute's documentation is there.
#![forbid(unsafe_code)]

mod errors;
mod expand;
mod hints;
mod model;
mod parse;
mod plan;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Turns a struct of plain field types into a checked, C-compatible layout of atomics.
///
/// ```
/// use shm_atomics::{Layout, atomic_layout};
///
/// /// Per-connection counters.
/// #[atomic_layout]
/// pub struct Conn {
///     /// Bytes received.
///     pub rx: u64,
///     pub open: bool,
///     pub peer: [u8; 16],
///     #[atomic(align = 64)]
///     pub hot: u32,
///     pub buckets: [u16; 4],
/// }
///
/// let c = Conn::new();
/// c.rx().add(10);                    // &Atomic<u64>
/// c.buckets()[1].inc();              // &[Atomic<u16>; 4]
/// let s: ConnSnapshot = c.snapshot();
/// assert_eq!((s.rx, s.buckets), (10, [0, 1, 0, 0]));
/// assert_eq!(Conn::FIELDS[3].offset, 64);
/// ```
///
/// Generates, for a struct `Name`:
/// - `Name` itself, `#[repr(C)]`, with `Atomic<T>` fields (arrays of them, nested layouts)
///   and explicit padding where there is a gap; offsets are computed once by the macro
///   (consts from a nested layout on) and checked at compile time against `FIELDS`;
/// - an accessor per field, with the field's name, docs and visibility;
///   `const fn new()` (all zero), `from_mut(&mut [u8])`, `snapshot()`,
///   `store_snapshot(&NameSnapshot)`, `Default`, `Debug`;
/// - `NameSnapshot`: the plain twin (same bytes at the same offsets): `Copy`, `PartialEq`,
///   `Debug`, `Default` and `Plain` (`as_bytes`, `try_from_bytes`, `zeroed`; its
///   `is_valid` checks the bytes of `bool` fields and nested snapshots, every other byte
///   is valid as it is);
/// - `impl Layout`: `NAME`, `SIZE`, `ALIGN`, `FIELDS`, `DESC`, `FINGERPRINT`, `c_header()`.
///
/// Field types: `i8`..`i128`, `u8`..`u128`, `f32`, `f64`, `bool`, `[u8; N]` (N = 1, 2, 4,
/// 8, 16), arrays `[T; N]` of those other than `u8` (N a literal or a const expression),
/// and other `#[atomic_layout]` structs. Attributes: `#[atomic(align = N)]` on a field,
/// `#[atomic_layout(align = N)]` and `#[atomic_layout(crate = "path")]` on the struct.
/// Every error is reported at its token, all in one compile.
#[proc_macro_attribute]
pub fn atomic_layout(args: TokenStream, item: TokenStream) -> TokenStream {
    match parse::parse(args.into(), item.into()) {
        Ok(model) => expand::expand(&model).into(),
        Err(e) => e.to_compile_error().into(),
    }
}
