//! Which names a layout descriptor may hold, and how the C header spells them.
//!
//! Every layout and field name must be an ASCII C/C++ identifier that C and C++ do not
//! reserve to the implementation: `[A-Za-z_][A-Za-z0-9_]*`, 1 to 255 bytes, not starting
//! with `_` and an uppercase letter, no `__` anywhere. [`check`] says why a name is not;
//! `#[atomic_layout]` refuses such names at compile time (the same rule, restated in
//! `macros/src/parse.rs`) and `LayoutDescBuf::decode` refuses them in a file.
//!
//! A legal name can still be a keyword of C11/C17/C23 or C++20 (`int`, `class`, `new`,
//! `bool`), the name of a type or macro the header itself uses (`uint8_t`, `NULL`,
//! `unix`), or collide with a macro the header defines (`STATS_SIZE`): Rust allows such
//! names, so the header escapes them instead of refusing them (see [`needs_escape`] and
//! `layout/cheader.rs`): a trailing `_` (`new` -> `new_`), one more while the result is
//! taken by another name of the same scope.

use std::string::String;

/// The keywords of C11/C17 (and GNU C's `asm`, `typeof`), C23 and C++20, including
/// C++'s alternative operator spellings, which are tokens and cannot name anything.
/// Keywords that begin with `_` and an uppercase letter are reserved names anyway.
const KEYWORDS: &[&str] = &[
    // C11/C17
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    // GNU C, C23
    "asm",
    "typeof",
    "typeof_unqual",
    "alignas",
    "alignof",
    "bool",
    "constexpr",
    "false",
    "nullptr",
    "static_assert",
    "thread_local",
    "true",
    // C++20
    "and",
    "and_eq",
    "bitand",
    "bitor",
    "catch",
    "char8_t",
    "char16_t",
    "char32_t",
    "class",
    "compl",
    "concept",
    "consteval",
    "constinit",
    "const_cast",
    "co_await",
    "co_return",
    "co_yield",
    "decltype",
    "delete",
    "dynamic_cast",
    "explicit",
    "export",
    "friend",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "not",
    "not_eq",
    "operator",
    "or",
    "or_eq",
    "private",
    "protected",
    "public",
    "reinterpret_cast",
    "requires",
    "static_cast",
    "template",
    "this",
    "throw",
    "try",
    "typeid",
    "typename",
    "using",
    "virtual",
    "wchar_t",
    "xor",
    "xor_eq",
];

/// Names the header's own text or its includes give a meaning a struct or field name
/// would clash with: object-like macros (`NULL`; `unix`, `linux`, `i386` in GNU modes)
/// and the type names used inside the structs (C++ refuses a member that changes the
/// meaning of a name used in its class).
const HEADER_NAMES: &[&str] = &[
    "NULL",
    "unix",
    "linux",
    "i386",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "size_t",
    "shm_atomics_i128",
    "shm_atomics_u128",
    "shm_atomics_segment_payload",
];

/// Suffixes of the object-like macros of `<stdint.h>` and `<stdatomic.h>`
/// (`INT8_MAX`, `SIZE_MAX`, `INT8_WIDTH`, `ATOMIC_INT_LOCK_FREE`, `ATOMIC_FLAG_INIT`):
/// an all-uppercase name ending in one of them is escaped.
const MACRO_SUFFIXES: &[&str] = &["_MAX", "_MIN", "_WIDTH", "_LOCK_FREE", "_INIT"];

/// Why `name` cannot be a name in a layout descriptor, or `None` if it can.
///
/// ```text
/// check("rx_bytes") == None;  check("1abc") == Some("does not start with a letter or `_`")
/// ```
pub(crate) fn check(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    let Some(&first) = b.first() else {
        return Some("is empty");
    };
    if !name.is_ascii() {
        return Some("is not ASCII (C and C++ identifiers here are ASCII)");
    }
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return Some("does not start with a letter or `_`");
    }
    if !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
        return Some("has a character other than a letter, digit or `_`");
    }
    if first == b'_' && b.get(1).is_some_and(u8::is_ascii_uppercase) {
        return Some("starts with `_` and an uppercase letter (reserved in C and C++)");
    }
    if name.contains("__") {
        return Some("contains `__` (reserved in C and C++)");
    }
    None
}

/// Whether the header must escape `name`: a C or C++ keyword, a name the header uses
/// or includes, anything beginning with the header's own prefix `SHM_ATOMICS_` or
/// `shm_atomics_`, or an all-uppercase name shaped like a `<stdint.h>`/`<stdatomic.h>`
/// macro. Macros the header defines per layout (`STATS_SIZE`) are checked by the caller.
pub(crate) fn needs_escape(name: &str) -> bool {
    KEYWORDS.contains(&name)
        || HEADER_NAMES.contains(&name)
        || name.starts_with("SHM_ATOMICS_")
        || name.starts_with("shm_atomics_")
        || (!name.bytes().any(|c| c.is_ascii_lowercase())
            && MACRO_SUFFIXES.iter().any(|s| name.ends_with(s)))
}

/// `name`, or `name` with the fewest trailing `_` that make `taken` false and the
/// result no longer need an escape.
pub(crate) fn escape(name: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    let mut out = String::from(name);
    let mut escaped = false;
    while (!escaped && needs_escape(&out)) || taken(&out) {
        out.push('_');
        escaped = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{check, escape, needs_escape};

    #[test]
    fn identifiers() {
        for ok in ["a", "rx_bytes", "NetStats", "_pad", "x1", "int", "class"] {
            assert_eq!(check(ok), None, "{ok}");
        }
        for bad in [
            "", "1abc", "a b", "größe", "a-b", "_Foo", "__x", "a__b", "r#type",
        ] {
            assert!(check(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn escapes() {
        assert!(needs_escape("int") && needs_escape("template") && needs_escape("uint8_t"));
        assert!(needs_escape("INT8_MAX") && needs_escape("SHM_ATOMICS_ATOMIC"));
        assert!(!needs_escape("rx") && !needs_escape("max") && !needs_escape("Int"));
        assert_eq!(escape("new", |_| false), "new_");
        assert_eq!(escape("new", |n| n == "new_"), "new__");
        assert_eq!(escape("rx", |_| false), "rx");
        assert_eq!(escape("rx", |n| n == "rx"), "rx_");
    }
}
