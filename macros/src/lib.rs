//! `#[atomic_layout]`: a struct of plain field types becomes a `#[repr(C)]` layout of
//! atomics with an accessor per field, a plain snapshot twin, a field descriptor table, a
//! fingerprint and a C header. Use it through the `atomics` crate, which re-exports it;
//! the attribute's documentation is there.
#![forbid(unsafe_code)]

mod expand;
mod model;
mod parse;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Turns a struct of plain field types into a checked, C-compatible layout of atomics.
/// See the `atomics` crate for the full documentation.
#[proc_macro_attribute]
pub fn atomic_layout(args: TokenStream, item: TokenStream) -> TokenStream {
    match parse::parse(args.into(), item.into()) {
        Ok(model) => expand::expand(&model).into(),
        Err(e) => e.to_compile_error().into(),
    }
}
