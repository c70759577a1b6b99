//! Renders the C11/C++ header of a layout from its descriptor alone, so a tool that has
//! only a segment's stored descriptor produces the same bytes as `Layout::c_header()`.
//!
//! Names. Every layout reachable from the root is declared once per distinct layout
//! (identical copies, equal in every name, offset and type, are one struct). A layout
//! keeps its Rust name unless another distinct layout of the same name is in the header:
//! then the root keeps it, or else the first one in declaration order (nested layouts
//! before the layout that holds them, fields in order) keeps it, and every other one is
//! `Name_xxxxxxxx`, the upper 32 bits of its fingerprint in lowercase hex
//! (`Inner_3f2a9c1b`). A name that is a C/C++ keyword, a name the header uses, or one of
//! the header's own macros gets a trailing `_` (`new` -> `new_`, see `layout/ident.rs`),
//! and `_` is added again while the name is taken, so no two structs, and no two fields
//! of a struct, share a C name. The macros of a layout (`NET_STATS_SIZE`, ...) take its
//! name in upper snake case, with `_2`, `_3` ... when two layouts would share them.

use std::fmt::Write as _;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::cell::value::Kind;
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};
use crate::layout::{c_records, ident};

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

/// One struct of the header with the names it is declared under.
struct Entry<'a> {
    d: &'a LayoutDescBuf,
    /// The struct tag and typedef name.
    cname: String,
    /// The macro prefix, `NET_STATS`.
    prefix: String,
    /// The C name of each field, in order.
    fields: Vec<String>,
}

/// Every distinct layout reachable from `desc`, nested ones first, each once.
fn collect<'a>(desc: &'a LayoutDescBuf, out: &mut Vec<&'a LayoutDescBuf>) {
    for f in &desc.fields {
        if let FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) = &f.ty {
            collect(d, out);
        }
    }
    if !out.contains(&desc) {
        out.push(desc);
    }
}

/// The structs of the header of `root`, nested ones first, root last, with their names
/// chosen by the rules in the module documentation.
fn plan(root: &LayoutDescBuf) -> Vec<Entry<'_>> {
    let mut all = Vec::new();
    collect(root, &mut all);
    let n = all.len();
    // Naming order: the root first, then declaration order.
    let order: Vec<usize> = core::iter::once(n - 1).chain(0..n - 1).collect();
    let mut base = vec_of(n, String::new());
    let mut plain_taken: Vec<&str> = Vec::new();
    for &i in &order {
        let d = all[i];
        let shared = all.iter().filter(|o| o.name == d.name).count() > 1;
        base[i] = if !shared || !plain_taken.contains(&d.name.as_str()) {
            plain_taken.push(&d.name);
            d.name.clone()
        } else {
            format!("{}_{:08x}", d.name, d.fingerprint() >> 32)
        };
    }
    let mut prefix = vec_of(n, String::new());
    let mut taken: Vec<String> = Vec::new();
    for &i in &order {
        let p0 = upper_snake(&base[i]);
        let mut p = p0.clone();
        let mut k = 2;
        while taken.contains(&p) {
            p = format!("{p0}_{k}");
            k += 1;
        }
        taken.push(p.clone());
        prefix[i] = p;
    }
    // Identifiers the header defines for every layout: no struct or field may be named so.
    let mut reserved: Vec<String> = Vec::new();
    for p in &prefix {
        for s in ["SIZE", "ALIGN", "FINGERPRINT", "DESCRIPTOR_LEN"] {
            reserved.push(format!("{p}_{s}"));
        }
        reserved.push(format!("{}_segment", p.to_ascii_lowercase()));
    }
    let mut cname = vec_of(n, String::new());
    let mut names: Vec<String> = Vec::new();
    for &i in &order {
        let c = ident::escape(&base[i], |s| {
            reserved.iter().any(|r| r == s) || names.iter().any(|m| m == s)
        });
        names.push(c.clone());
        cname[i] = c;
    }
    all.iter()
        .enumerate()
        .map(|(i, d)| Entry {
            d,
            cname: cname[i].clone(),
            prefix: prefix[i].clone(),
            fields: field_names(d, &reserved),
        })
        .collect()
}

fn vec_of(n: usize, v: String) -> Vec<String> {
    (0..n).map(|_| v.clone()).collect()
}

/// The C names of `d`'s fields: escaped, and distinct from each other and from the
/// names of the other fields.
fn field_names(d: &LayoutDescBuf, reserved: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(d.fields.len());
    for f in &d.fields {
        let c = ident::escape(&f.name, |s| {
            reserved.iter().any(|r| r == s)
                || out.iter().any(|o| o == s)
                || (s != f.name && d.fields.iter().any(|g| g.name == s))
        });
        out.push(c);
    }
    out
}

/// The C name of the struct declared for `d`.
fn cname_of<'e>(plan: &'e [Entry<'_>], d: &'e LayoutDescBuf) -> &'e str {
    plan.iter()
        .find(|e| e.d == d)
        .map_or(d.name.as_str(), |e| e.cname.as_str())
}

fn render_struct(h: &mut String, plan: &[Entry<'_>], e: &Entry<'_>) {
    let d = e.d;
    let n = &e.cname;
    let guard = format!("{n}_{:016X}", d.fingerprint());
    // Infallible: writing to a String.
    let _ = writeln!(h, "#ifndef SHM_ATOMICS_LAYOUT_{guard}_DEFINED");
    let _ = writeln!(h, "#define SHM_ATOMICS_LAYOUT_{guard}_DEFINED");
    // The record wrappers and striped cells this struct's fields use (c_records.rs).
    let wrappers: Vec<Option<String>> = d
        .fields
        .iter()
        .map(|f| match &f.ty {
            FieldTypeBuf::Seq(nd) => {
                let e = plan.iter().find(|e| e.d == &**nd);
                let (c, p) = e.map_or((nd.name.clone(), upper_snake(&nd.name)), |e| {
                    (e.cname.clone(), e.prefix.clone())
                });
                Some(c_records::render_seq(h, &c, &p.to_ascii_lowercase(), nd))
            }
            &FieldTypeBuf::Striped {
                kind,
                width,
                stride,
                ..
            } => Some(c_records::render_striped_cell(
                h,
                c_records::striped_type(kind, width),
                kind,
                stride,
            )),
            _ => None,
        })
        .collect();
    if *n != d.name {
        let _ = writeln!(h, "/* The layout `{}`, declared as `{n}`. */", d.name);
    }
    let _ = writeln!(h, "typedef struct {n} {{");
    let max_field_align = d.fields.iter().map(|f| f.align).max().unwrap_or(1);
    let mut pos = 0usize;
    let mut pad = 0usize;
    for (i, (f, fname)) in d.fields.iter().zip(&e.fields).enumerate() {
        if f.offset > pos {
            let _ = writeln!(h, "    uint8_t _atomics_pad{pad}[{}];", f.offset - pos);
            pad += 1;
        }
        // A 16-byte value always says its alignment: some ABIs align `__int128` to 8
        // (s390x), while the atomic (and the layout) needs 16.
        let natural = match f.ty {
            FieldTypeBuf::Value { width: 16, .. } => 1,
            _ => f.ty.align(),
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
        let dims = f.array_len.map(|n| format!("[{n}]")).unwrap_or_default();
        let (ty, what) = match &f.ty {
            &FieldTypeBuf::Value { kind, width } => (
                format!("SHM_ATOMICS_ATOMIC({})", c_value_type(kind, width)),
                format!("{kind}, {width} byte{}", if width == 1 { "" } else { "s" }),
            ),
            FieldTypeBuf::Layout(nd) => {
                let c = cname_of(plan, nd);
                (format!("struct {c}"), format!("layout {c}"))
            }
            FieldTypeBuf::Event => (
                "SHM_ATOMICS_ATOMIC(uint32_t)".to_string(),
                "event, 4 bytes: a generation counter; shm_atomics_event_notify / \
                 shm_atomics_wait_u32"
                    .to_string(),
            ),
            FieldTypeBuf::Seq(nd) => {
                let w = wrappers[i].clone().unwrap_or_default();
                (
                    format!("struct {w}"),
                    format!("seq record of {}", cname_of(plan, nd)),
                )
            }
            FieldTypeBuf::Striped { cells, stride, .. } => (
                format!("struct {}", wrappers[i].clone().unwrap_or_default()),
                format!("{}, {cells} cells of {stride} bytes", f.type_name()),
            ),
        };
        let dims = match &f.ty {
            FieldTypeBuf::Striped { cells, .. } => format!("{dims}[{cells}]"),
            _ => dims,
        };
        let renamed = if *fname != f.name {
            format!(", field `{}`", f.name)
        } else {
            String::new()
        };
        let _ = writeln!(
            h,
            "    {alignas}{ty} {fname}{dims}; /* offset {}, {what}{renamed} */",
            f.offset
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
    let _ = writeln!(h, "}} {n};");
    for (f, fname) in d.fields.iter().zip(&e.fields) {
        let _ = writeln!(
            h,
            "SHM_ATOMICS_STATIC_ASSERT(offsetof(struct {n}, {fname}) == {o}, \"{n}.{fname} must be at offset {o}\");",
            o = f.offset
        );
    }
    let _ = writeln!(
        h,
        "SHM_ATOMICS_STATIC_ASSERT(sizeof(struct {n}) == {s}, \"{n} must be {s} bytes\");",
        s = d.size
    );
    let _ = writeln!(
        h,
        "SHM_ATOMICS_STATIC_ASSERT(SHM_ATOMICS_ALIGNOF(struct {n}) == {a}, \"{n} must be aligned to {a}\");",
        a = d.align
    );
    let p = &e.prefix;
    let desc = d.encode();
    let _ = writeln!(h, "#define {p}_SIZE {}u", d.size);
    let _ = writeln!(h, "#define {p}_ALIGN {}u", d.align);
    let _ = writeln!(
        h,
        "#define {p}_FINGERPRINT UINT64_C(0x{:016x})",
        d.fingerprint()
    );
    let _ = writeln!(h, "#define {p}_DESCRIPTOR_LEN {}u", desc.len());
    let lower = p.to_ascii_lowercase();
    let _ = writeln!(
        h,
        "/* The {n} payload of a mapped segment, or NULL if it is not a ready segment of this\n \
* layout (its descriptor must equal the bytes below, which encode this layout). */\n\
static inline struct {n} *{lower}_segment(void *map, size_t map_len) {{\n    \
static const unsigned char descriptor[{len}] = {{",
        len = desc.len()
    );
    for chunk in desc.chunks(16) {
        let row: Vec<String> = chunk.iter().map(|b| format!("0x{b:02x}")).collect();
        let _ = writeln!(h, "        {},", row.join(", "));
    }
    let _ = writeln!(
        h,
        "    }};\n    return (struct {n} *)shm_atomics_segment_payload(map, map_len, {p}_FINGERPRINT, {p}_SIZE,\n        \
{p}_ALIGN, descriptor, {p}_DESCRIPTOR_LEN);\n}}"
    );
    let _ = writeln!(h, "#endif /* SHM_ATOMICS_LAYOUT_{guard}_DEFINED */");
}

/// The helper every header carries (once per translation unit): the checks of
/// `SegmentHeader::check` and `read_info` that C can make, in the same terms.
const HELPER: &str = "\
#ifndef SHM_ATOMICS_SEGMENT_HELPER_DEFINED
#define SHM_ATOMICS_SEGMENT_HELPER_DEFINED
#include <string.h>
/* Checks a mapped shm-atomics segment as Rust's Segment::open does and returns its
 * payload, or NULL if any check fails: `map` (8-aligned) is the start of a mapping of
 * `map_len` bytes of the file; magic; ready word (read first, with acquire order);
 * format version 1 or 2; byte order; descriptor at 128, 1..=1 MiB long, equal to
 * `descriptor` byte for byte; header length a multiple of 64 holding the descriptor;
 * payload offset at or past the header length, a multiple of 64 and of
 * `payload_align`; payload size and fingerprint as expected; payload within the map. */
static inline void *shm_atomics_segment_payload(void *map, size_t map_len, uint64_t fingerprint,
                                            size_t payload_size, size_t payload_align,
                                            const unsigned char *descriptor,
                                            size_t descriptor_len) {
    static const unsigned char magic[8] = {0x89, 'A', 'T', 'O', 'M', 'S', 'E', 'G'};
    const unsigned char *p = (const unsigned char *)map;
    uint64_t v[3];
    uint32_t w[4];
    size_t i, k;
    uint32_t bom = 0;
    if (map == NULL || map_len < 128 || (uintptr_t)map % 8u != 0) return NULL;
    if (payload_align == 0 || descriptor == NULL || descriptor_len == 0) return NULL;
    if (memcmp(p, magic, 8) != 0) return NULL;
    if (__atomic_load_n((const uint64_t *)(p + 64), __ATOMIC_ACQUIRE) != UINT64_C(0x5245414459210001)) return NULL;
    /* little-endian u32: version at 8, header length at 12, descriptor offset at 56 and
     * length at 60; little-endian u64: payload offset at 16, size at 24, fingerprint at 32 */
    for (k = 0; k < 4; k++) {
        static const size_t at[4] = {8, 12, 56, 60};
        w[k] = 0;
        for (i = 0; i < 4; i++) w[k] |= (uint32_t)p[at[k] + i] << (8 * i);
    }
    for (k = 0; k < 3; k++) {
        v[k] = 0;
        for (i = 0; i < 8; i++) v[k] |= (uint64_t)p[16 + 8 * k + i] << (8 * i);
    }
    memcpy(&bom, p + 52, 4);
    if ((w[0] != 1u && w[0] != 2u) || bom != 0x01020304u) return NULL;
    if (w[2] != 128u || w[3] == 0u || w[3] > (1u << 20) || (uint64_t)w[3] != (uint64_t)descriptor_len) return NULL;
    if ((uint64_t)w[1] < 128u + (uint64_t)w[3] || w[1] % 64u != 0) return NULL;
    if (v[0] < (uint64_t)w[1] || v[0] % 64u != 0 || v[0] % (uint64_t)payload_align != 0) return NULL;
    if (v[2] != fingerprint || v[1] != (uint64_t)payload_size) return NULL;
    if ((uint64_t)map_len < 128u + (uint64_t)w[3]) return NULL;
    if (v[0] > (uint64_t)map_len || (uint64_t)map_len - v[0] < (uint64_t)payload_size) return NULL;
    if (memcmp(p + 128, descriptor, descriptor_len) != 0) return NULL;
    return (unsigned char *)map + (size_t)v[0];
}
#endif
";

impl LayoutDescBuf {
    /// The C11/C++ header of this layout; see
    /// [`LayoutDesc::c_header`](crate::LayoutDesc::c_header). (Defined here, not in
    /// `descriptor.rs`, so that the descriptor does not import its renderers.)
    pub fn c_header(&self) -> String {
        render(self)
    }
}

pub(crate) fn render(desc: &LayoutDescBuf) -> String {
    let plan = plan(desc);
    let root_prefix = plan.last().map_or(String::new(), |e| e.prefix.to_string());
    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* {name}: C11/C++ declaration of the layout `{name}`.\n * Generated by the shm-atomics crate; do not edit. Fingerprint 0x{fp:016x}.\n * C: _Atomic fields (C11). C++: std::atomic<T> fields, same size, alignment and\n * representation on GCC and Clang for these lock-free types. */",
        name = desc.name,
        fp = desc.fingerprint()
    );
    let _ = writeln!(h, "#ifndef SHM_ATOMICS_{root_prefix}_H");
    let _ = writeln!(h, "#define SHM_ATOMICS_{root_prefix}_H");
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
#endif\n",
    );
    h.push_str(HELPER);
    h.push_str(crate::layout::c_wait::WAIT_HELPER);
    if c_records::uses_records(desc) {
        h.push_str(c_records::HELPER);
    }
    h.push_str(
        "#if defined(__SIZEOF_INT128__) && !defined(SHM_ATOMICS_INT128_DEFINED)\n\
#define SHM_ATOMICS_INT128_DEFINED\n\
__extension__ typedef __int128 shm_atomics_i128;\n\
__extension__ typedef unsigned __int128 shm_atomics_u128;\n\
#endif\n\n",
    );
    if desc.has_16_byte_values() {
        // A clear stop where the compiler has no 16-byte integer (32-bit targets, which
        // have no 16-byte atomics either), instead of an unknown type further down.
        let _ = writeln!(
            h,
            "#if !defined(__SIZEOF_INT128__)\n#error \"layout {} has 16-byte fields: they \
             need __int128 and 16-byte atomics, which this target lacks (a 32-bit \
             target); use fields of 8 bytes or less\"\n#endif\n",
            desc.name
        );
    }
    for e in &plan {
        render_struct(&mut h, &plan, e);
        h.push('\n');
    }
    let _ = writeln!(h, "#endif /* SHM_ATOMICS_{root_prefix}_H */");
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
