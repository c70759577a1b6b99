//! What the user most likely meant: the derives a layout cannot take and the field types
//! that are close to a value type (`AtomicU64`, `usize`, `String`), each turned into one
//! error that says what to write instead.

use syn::{Attribute, Token};

use crate::errors::Errors;
use crate::symbol::ATOMIC_LAYOUT;

/// Derives the layout cannot take: the std traits atomics do not have or the macro
/// already implements, and zerocopy's (the layout's bytes are others' to write; its
/// snapshot is `Plain`, the runtime's trait for reading and writing bytes).
const REFUSED_DERIVES: &[&str] = &[
    "Clone",
    "Copy",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Debug",
    "Default",
    "FromBytes",
    "FromZeros",
    "FromZeroes",
    "TryFromBytes",
    "IntoBytes",
    "AsBytes",
    "KnownLayout",
    "Immutable",
    "Unaligned",
];

/// Rule: `#[derive(..)]` of a std or zerocopy trait on the struct is one error spanned
/// on the derive (it would otherwise fail as conflicting impls, or once per field), saying
/// what to use instead. Other derives are kept.
pub fn check_derive(attr: &Attribute, name: &syn::Ident, errors: &mut Errors) {
    if !attr.path().is_ident("derive") {
        return;
    }
    let Ok(paths) =
        attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, Token![,]>::parse_terminated)
    else {
        return;
    };
    let refused: Vec<String> = paths
        .iter()
        .filter_map(|p| p.segments.last())
        .map(|s| s.ident.to_string())
        .filter(|s| REFUSED_DERIVES.contains(&s.as_str()))
        .collect();
    if refused.is_empty() {
        return;
    }
    let list = refused
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    errors.spanned(
        attr,
        format!(
            "#[{ATOMIC_LAYOUT}] structs cannot derive {list}: the fields are atomics, which \
             other threads and processes write, so they are not Clone, Copy, PartialEq or \
             Hash, and their bytes are not plain bytes to read; the layout already implements \
             Default (every field zero) and Debug. To copy, compare or convert it to bytes, \
             take a snapshot: `{name}::snapshot(&x)` gives the plain `{name}Snapshot`, which is Copy, \
             PartialEq, Debug, Default and `Plain` (`as_bytes`, `try_from_bytes`). Remove these derives"
        ),
    );
}

/// For an atomic type of `core::sync::atomic` or `portable_atomic` (`AtomicU64`), what to
/// write instead.
pub fn atomic_type_plain(ident: &str) -> Option<&'static str> {
    Some(match ident {
        "AtomicBool" => "the plain type `bool`",
        "AtomicI8" => "the plain type `i8`",
        "AtomicI16" => "the plain type `i16`",
        "AtomicI32" => "the plain type `i32`",
        "AtomicI64" => "the plain type `i64`",
        "AtomicI128" => "the plain type `i128`",
        "AtomicU8" => "the plain type `u8`",
        "AtomicU16" => "the plain type `u16`",
        "AtomicU32" => "the plain type `u32`",
        "AtomicU64" => "the plain type `u64`",
        "AtomicU128" => "the plain type `u128`",
        "AtomicF32" => "the plain type `f32`",
        "AtomicF64" => "the plain type `f64`",
        "AtomicUsize" => {
            "a plain type of fixed width, `u64` (or `u32`): a layout is the same in every \
             process and in C"
        }
        "AtomicIsize" => {
            "a plain type of fixed width, `i64` (or `i32`): a layout is the same in every \
             process and in C"
        }
        "AtomicPtr" => {
            "an integer, `u64`, holding an index or offset: an address means nothing in \
             another process"
        }
        _ => return None,
    })
}

/// A hint for plain types that are not value types.
pub fn not_a_value_type_hint(ident: &str) -> Option<&'static str> {
    Some(match ident {
        "usize" | "isize" => {
            "its width depends on the target, and a layout must be the same in every process \
             and in C: use u64/i64 (or u32/i32)"
        }
        "char" => "use u32 (a char is a u32 with validity rules other writers cannot keep)",
        "f16" | "f128" => "there are no lock-free atomics of this float: use f32 or f64",
        "String" | "str" | "Vec" | "Box" => {
            "heap data cannot live in shared memory: use a [u8; N] field (N = 1, 2, 4, 8, 16) \
             or an array of them"
        }
        _ => return None,
    })
}
