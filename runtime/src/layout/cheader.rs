//! Renders the C11/C++ header of a layout from its descriptor alone, so a tool that has
//! only a segment's stored descriptor produces the same bytes as `Layout::c_header()`.

use std::fmt::Write as _;
use std::format;
use std::string::String;
use std::vec::Vec;

use crate::cell::value::Kind;
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};

/// `NetStats` -> `NET_STATS`.
pub(crate) fn upper_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn c_value_type(kind: Kind, width: usize) -> &'static str {
    match (kind, width) {
        (Kind::Int, 1) => "int8_t",
        (Kind::Int, 2) => "int16_t",
        (Kind::Int, 4) => "int32_t",
        (Kind::Int, 8) => "int64_t",
        (Kind::Int, _) => "shm_atomics_i128",
        (Kind::Float, 4) => "float",
        (Kind::Float, _) => "double",
        (_, 1) => "uint8_t",
        (_, 2) => "uint16_t",
        (_, 4) => "uint32_t",
        (_, 8) => "uint64_t",
        (_, _) => "shm_atomics_u128",
    }
}

/// Every layout reachable from `desc`, nested ones first, each once.
fn collect<'a>(desc: &'a LayoutDescBuf, out: &mut Vec<&'a LayoutDescBuf>) {
    for f in &desc.fields {
        if let FieldTypeBuf::Layout(d) = &f.ty {
            collect(d, out);
        }
    }
    if !out.iter().any(|d| d.name == desc.name) {
        out.push(desc);
    }
}

fn render_struct(h: &mut String, d: &LayoutDescBuf) {
    let guard = upper_snake(&d.name);
    // Infallible: writing to a String.
    let _ = writeln!(h, "#ifndef SHM_ATOMICS_LAYOUT_{guard}_DEFINED");
    let _ = writeln!(h, "#define SHM_ATOMICS_LAYOUT_{guard}_DEFINED");
    let _ = writeln!(h, "typedef struct {} {{", d.name);
    let max_field_align = d.fields.iter().map(|f| f.align).max().unwrap_or(1);
    let mut pos = 0usize;
    let mut pad = 0usize;
    for (i, f) in d.fields.iter().enumerate() {
        if f.offset > pos {
            let _ = writeln!(h, "    uint8_t _atomics_pad{pad}[{}];", f.offset - pos);
            pad += 1;
        }
        let natural = match &f.ty {
            FieldTypeBuf::Value { width, .. } => *width,
            FieldTypeBuf::Layout(n) => n.align,
        };
        let mut align = if f.align > natural { f.align } else { 0 };
        if i == 0 && d.align > max_field_align {
            align = align.max(d.align);
        }
        let alignas = if align > 0 {
            format!("SHM_ATOMICS_ALIGNAS({align}) ")
        } else {
            String::new()
        };
        let ty = match &f.ty {
            FieldTypeBuf::Value { kind, width } => {
                format!("SHM_ATOMICS_ATOMIC({})", c_value_type(*kind, *width))
            }
            FieldTypeBuf::Layout(n) => format!("struct {}", n.name),
        };
        let dims = f.array_len.map(|n| format!("[{n}]")).unwrap_or_default();
        let what = match &f.ty {
            &FieldTypeBuf::Value { kind, width } => {
                format!("{kind}, {width} byte{}", if width == 1 { "" } else { "s" })
            }
            FieldTypeBuf::Layout(n) => format!("layout {}", n.name),
        };
        let _ = writeln!(
            h,
            "    {alignas}{ty} {}{dims}; /* offset {}, {what} */",
            f.name, f.offset
        );
        pos = f.offset + f.size();
    }
    if d.size > pos || d.fields.is_empty() {
        let _ = writeln!(
            h,
            "    uint8_t _atomics_pad{pad}[{}];",
            (d.size - pos).max(1)
        );
    }
    let _ = writeln!(h, "}} {};", d.name);
    for f in &d.fields {
        let _ = writeln!(
            h,
            "SHM_ATOMICS_STATIC_ASSERT(offsetof(struct {n}, {f}) == {o}, \"{n}.{f} must be at offset {o}\");",
            n = d.name,
            f = f.name,
            o = f.offset
        );
    }
    let _ = writeln!(
        h,
        "SHM_ATOMICS_STATIC_ASSERT(sizeof(struct {n}) == {s}, \"{n} must be {s} bytes\");",
        n = d.name,
        s = d.size
    );
    let _ = writeln!(
        h,
        "SHM_ATOMICS_STATIC_ASSERT(SHM_ATOMICS_ALIGNOF(struct {n}) == {a}, \"{n} must be aligned to {a}\");",
        n = d.name,
        a = d.align
    );
    let _ = writeln!(h, "#define {guard}_SIZE {}u", d.size);
    let _ = writeln!(h, "#define {guard}_ALIGN {}u", d.align);
    let _ = writeln!(
        h,
        "#define {guard}_FINGERPRINT UINT64_C(0x{:016x})",
        d.fingerprint()
    );
    let lower = guard.to_ascii_lowercase();
    let _ = writeln!(
        h,
        "/* The {n} payload of a mapped segment, or NULL if it is not a ready segment of this layout. */\n\
static inline struct {n} *{lower}_segment(void *map, size_t map_len) {{\n    \
return (struct {n} *)shm_atomics_segment_payload(map, map_len, {guard}_FINGERPRINT, {guard}_SIZE);\n}}",
        n = d.name
    );
    let _ = writeln!(h, "#endif /* SHM_ATOMICS_LAYOUT_{guard}_DEFINED */");
}

pub(crate) fn render(desc: &LayoutDescBuf) -> String {
    let guard = upper_snake(&desc.name);
    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* {name}: C11/C++ declaration of the layout `{name}`.\n * Generated by the shm-atomics crate; do not edit. Fingerprint 0x{fp:016x}.\n * C: _Atomic fields (C11). C++: std::atomic<T> fields, same size, alignment and\n * representation on GCC and Clang for these lock-free types. */",
        name = desc.name,
        fp = desc.fingerprint()
    );
    let _ = writeln!(h, "#ifndef SHM_ATOMICS_{guard}_H");
    let _ = writeln!(h, "#define SHM_ATOMICS_{guard}_H");
    h.push_str(
        "\n#include <stddef.h>\n#include <stdint.h>\n\n\
#ifndef SHM_ATOMICS_ATOMIC\n\
#ifdef __cplusplus\n\
#include <atomic>\n\
#define SHM_ATOMICS_ATOMIC(T) std::atomic<T>\n\
#define SHM_ATOMICS_ALIGNAS(N) alignas(N)\n\
#define SHM_ATOMICS_ALIGNOF(T) alignof(T)\n\
#define SHM_ATOMICS_STATIC_ASSERT(c, m) static_assert(c, m)\n\
#else\n\
#include <stdatomic.h>\n\
#define SHM_ATOMICS_ATOMIC(T) _Atomic(T)\n\
#define SHM_ATOMICS_ALIGNAS(N) _Alignas(N)\n\
#define SHM_ATOMICS_ALIGNOF(T) _Alignof(T)\n\
#define SHM_ATOMICS_STATIC_ASSERT(c, m) _Static_assert(c, m)\n\
#endif\n\
#endif\n\
#ifndef SHM_ATOMICS_SEGMENT_HELPER_DEFINED\n\
#define SHM_ATOMICS_SEGMENT_HELPER_DEFINED\n\
/* Checks a mapped shm-atomics segment (magic, format version 1, byte order, ready word,\n\
 * fingerprint, payload size and bounds) and returns its payload, or NULL if any check\n\
 * fails. `map` is the start of a mapping of `map_len` bytes of the segment file. */\n\
static inline void *shm_atomics_segment_payload(void *map, size_t map_len, uint64_t fingerprint,\n\
                                            size_t payload_size) {\n\
    static const unsigned char magic[8] = {0x89, 'A', 'T', 'O', 'M', 'S', 'E', 'G'};\n\
    const unsigned char *p = (const unsigned char *)map;\n\
    uint64_t v[5];\n\
    size_t i, k;\n\
    uint32_t version = 0, bom = 0;\n\
    if (map == NULL || map_len < 128) return NULL;\n\
    for (i = 0; i < 8; i++) if (p[i] != magic[i]) return NULL;\n\
    for (i = 0; i < 4; i++) version |= (uint32_t)p[8 + i] << (8 * i);\n\
    if (version != 1u) return NULL;\n\
    for (i = 0; i < 4; i++) ((unsigned char *)&bom)[i] = p[52 + i];\n\
    if (bom != 0x01020304u) return NULL;\n\
    /* payload offset, payload size, fingerprint (little-endian u64 at 16, 24, 32) */\n\
    for (k = 0; k < 3; k++) {\n\
        v[k] = 0;\n\
        for (i = 0; i < 8; i++) v[k] |= (uint64_t)p[16 + 8 * k + i] << (8 * i);\n\
    }\n\
    if (__atomic_load_n((const uint64_t *)(p + 64), __ATOMIC_ACQUIRE) != UINT64_C(0x5245414459210001)) return NULL;\n\
    if (v[2] != fingerprint || v[1] != (uint64_t)payload_size) return NULL;\n\
    if (v[0] % 64u != 0 || v[0] > map_len || map_len - v[0] < payload_size) return NULL;\n\
    return (unsigned char *)map + v[0];\n\
}\n\
#endif\n\
#if defined(__SIZEOF_INT128__) && !defined(SHM_ATOMICS_INT128_DEFINED)\n\
#define SHM_ATOMICS_INT128_DEFINED\n\
__extension__ typedef __int128 shm_atomics_i128;\n\
__extension__ typedef unsigned __int128 shm_atomics_u128;\n\
#endif\n\n",
    );
    let mut all = Vec::new();
    collect(desc, &mut all);
    for d in all {
        render_struct(&mut h, d);
        h.push('\n');
    }
    let _ = writeln!(h, "#endif /* SHM_ATOMICS_{guard}_H */");
    h
}

#[cfg(test)]
mod tests {
    use super::upper_snake;

    #[test]
    fn upper_snake_names() {
        assert_eq!(upper_snake("Stats"), "STATS");
        assert_eq!(upper_snake("NetStats"), "NET_STATS");
        assert_eq!(upper_snake("HTTPStats"), "HTTP_STATS");
        assert_eq!(upper_snake("V2Layout"), "V2_LAYOUT");
        assert_eq!(upper_snake("lower_case"), "LOWER_CASE");
    }
}
