//! The generated C headers against the C compiler: gcc (C11) and g++ (C++17) compile
//! every header with warnings as errors (the `_Static_assert`s must hold), and a
//! compiled program prints `offsetof`/`sizeof`/`alignof`, which must equal `FIELDS`.

use crate::common;

use shm_atomics::{Layout, atomic_layout};

#[atomic_layout]
pub struct AllInts {
    pub a: i8,
    pub b: i16,
    pub c: i32,
    pub d: i64,
    pub e: i128,
    pub f: u8,
    pub g: u16,
    pub h: u32,
    pub i: u64,
    pub j: u128,
}

#[atomic_layout]
pub struct FloatsAndBool {
    pub flag: bool,
    pub x: f32,
    pub other: bool,
    pub y: f64,
}

#[atomic_layout]
pub struct AllBytes {
    pub b1: [u8; 1],
    pub b2: [u8; 2],
    pub b4: [u8; 4],
    pub b8: [u8; 8],
    pub b16: [u8; 16],
}

#[atomic_layout]
pub struct Padded {
    pub a: u8,
    pub b: u64,
    pub c: u8,
    pub d: u32,
    pub e: u8,
}

#[atomic_layout]
pub struct Arrays {
    pub hist: [u32; 8],
    pub small: [i8; 3],
    pub floats: [f64; 2],
    pub words: [[u8; 4]; 3],
    pub flags: [bool; 5],
    pub wide: [u128; 2],
}

#[atomic_layout]
pub struct CacheLines {
    pub a: u8,
    #[atomic(align = 64)]
    pub hot: u64,
    #[atomic(align = 64)]
    pub other_hot: u64,
    pub cold: u32,
}

#[atomic_layout(align = 128)]
pub struct StructAligned {
    pub a: u8,
    pub b: u16,
}

#[atomic_layout]
pub struct Inner {
    pub x: u16,
    pub y: u64,
}

#[atomic_layout]
pub struct Nested {
    pub a: u8,
    pub inner: Inner,
    pub b: u16,
}

#[atomic_layout]
pub struct NestedArray {
    pub n: u8,
    pub items: [Inner; 3],
    pub tail: u8,
}

#[atomic_layout]
pub struct Deep {
    pub head: bool,
    pub nested: Nested,
    pub list: NestedArray,
    pub z: i32,
}

#[atomic_layout]
pub struct Wide {
    pub a: u8,
    pub b: u128,
    pub c: u8,
}

#[atomic_layout]
pub struct AlignedNested {
    pub a: u8,
    #[atomic(align = 64)]
    pub inner: Inner,
}

#[atomic_layout]
pub struct OneBool {
    pub on: bool,
}

/// (name, size, align, descriptor, header)
/// Whether the C compilers of this target have `__int128` (every 64-bit target here; a
/// 32-bit one has neither it nor 16-byte atomics).
const C_HAS_INT128: bool = cfg!(target_pointer_width = "64");

/// The layouts whose headers compile here: every one, except those with 16-byte fields
/// where the compiler has no `__int128`. Those headers must stop the compiler with the
/// header's own `#error` naming the layout, which this checks.
fn layouts() -> Vec<(&'static str, usize, usize, shm_atomics::LayoutDesc, String)> {
    let all = every_layout();
    if C_HAS_INT128 {
        return all;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fit = Vec::new();
    for l in all {
        if !l.3.has_16_byte_fields() {
            fit.push(l);
            continue;
        }
        let name = l.0;
        std::fs::write(dir.path().join(format!("{name}.h")), &l.4).expect("write header");
        let src = format!("#include \"{name}.h\"\nint main(void) {{ return 0; }}\n");
        std::fs::write(dir.path().join(format!("{name}.c")), src).expect("write C");
        let err = common::compile_fails("gcc", &["-std=c11", &format!("{name}.c")], dir.path());
        assert!(
            err.contains(&format!("layout {name} has 16-byte fields")),
            "{name}: {err}"
        );
    }
    fit
}

fn every_layout() -> Vec<(&'static str, usize, usize, shm_atomics::LayoutDesc, String)> {
    fn one<L: Layout>() -> (&'static str, usize, usize, shm_atomics::LayoutDesc, String) {
        (L::NAME, L::SIZE, L::ALIGN, L::DESC, L::c_header())
    }
    vec![
        one::<AllInts>(),
        one::<FloatsAndBool>(),
        one::<AllBytes>(),
        one::<Padded>(),
        one::<Arrays>(),
        one::<CacheLines>(),
        one::<StructAligned>(),
        one::<Inner>(),
        one::<Nested>(),
        one::<NestedArray>(),
        one::<Deep>(),
        one::<Wide>(),
        one::<AlignedNested>(),
        one::<OneBool>(),
    ]
}

fn program(name: &str, desc: &shm_atomics::LayoutDesc, header: &str) -> String {
    let mut p = format!("#include \"{header}\"\n#include <stdio.h>\nint main(void) {{\n");
    p += &format!("    printf(\"size %zu\\n\", sizeof(struct {name}));\n");
    p += &format!("    printf(\"align %zu\\n\", (size_t)SHM_ATOMICS_ALIGNOF(struct {name}));\n");
    for (member, _) in common::member_offsets(desc) {
        p +=
            &format!("    printf(\"field {member} %zu\\n\", offsetof(struct {name}, {member}));\n");
    }
    p += "    return 0;\n}\n";
    p
}

fn check_output(name: &str, size: usize, align: usize, desc: &shm_atomics::LayoutDesc, out: &str) {
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(format!("size {size}").as_str()),
        "{name}"
    );
    assert_eq!(
        lines.next(),
        Some(format!("align {align}").as_str()),
        "{name}"
    );
    for (member, offset) in common::member_offsets(desc) {
        assert_eq!(
            lines.next(),
            Some(format!("field {member} {offset}").as_str()),
            "{name}.{member}: the C compiler disagrees with FIELDS"
        );
    }
    assert_eq!(lines.next(), None);
}

fn run(dir: &std::path::Path, exe: &str) -> String {
    let out = std::process::Command::new(dir.join(exe))
        .output()
        .expect("run compiled program");
    assert!(out.status.success(), "{exe} failed");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn c_and_cpp_compilers_agree_with_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let all = layouts();
    assert!(all.len() >= if C_HAS_INT128 { 12 } else { 8 });
    for (name, size, align, desc, header) in &all {
        let h = format!("{name}.h");
        std::fs::write(dir.path().join(&h), header).expect("write header");
        let src = program(name, desc, &h);
        std::fs::write(dir.path().join(format!("{name}.c")), &src).expect("write C");
        std::fs::write(dir.path().join(format!("{name}.cpp")), &src).expect("write C++");
        let c_exe = format!("{name}_c");
        let cpp_exe = format!("{name}_cpp");
        common::compile(
            "gcc",
            &[
                "-std=c11",
                "-Wall",
                "-Wextra",
                "-pedantic",
                "-Werror",
                &format!("{name}.c"),
                "-o",
                &c_exe,
            ],
            dir.path(),
        );
        common::compile(
            "g++",
            &[
                "-std=c++17",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-Wno-invalid-offsetof",
                &format!("{name}.cpp"),
                "-o",
                &cpp_exe,
            ],
            dir.path(),
        );
        check_output(name, *size, *align, desc, &run(dir.path(), &c_exe));
        check_output(name, *size, *align, desc, &run(dir.path(), &cpp_exe));
    }
}

#[test]
fn all_headers_in_one_translation_unit() {
    // Nested layouts are emitted in every header that uses them, behind guards, so
    // including several headers together must not redefine anything.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tu = String::new();
    for (name, _, _, _, header) in layouts() {
        std::fs::write(dir.path().join(format!("{name}.h")), header).expect("write header");
        tu += &format!("#include \"{name}.h\"\n");
    }
    tu += "int main(void) { return 0; }\n";
    std::fs::write(dir.path().join("all.c"), &tu).expect("write");
    std::fs::write(dir.path().join("all.cpp"), &tu).expect("write");
    common::compile(
        "gcc",
        &[
            "-std=c11",
            "-Wall",
            "-pedantic",
            "-Werror",
            "all.c",
            "-o",
            "all_c",
        ],
        dir.path(),
    );
    common::compile(
        "g++",
        &["-std=c++17", "-Wall", "-Werror", "all.cpp", "-o", "all_cpp"],
        dir.path(),
    );
}

#[test]
fn static_asserts_catch_a_wrong_offset() {
    // The header's assertions are real: corrupt one offset and gcc must refuse it.
    let dir = tempfile::tempdir().expect("temp dir");
    let header = Padded::c_header().replace(
        "offsetof(struct Padded, b) == 8",
        "offsetof(struct Padded, b) == 9",
    );
    assert!(header.contains("== 9"));
    std::fs::write(dir.path().join("bad.h"), header).expect("write");
    std::fs::write(
        dir.path().join("bad.c"),
        "#include \"bad.h\"\nint main(void) { return 0; }\n",
    )
    .expect("write");
    let out = std::process::Command::new(common::compiler_for("gcc"))
        .args(["-std=c11", "-c", "bad.c", "-o", "bad.o"])
        .current_dir(dir.path())
        .output()
        .expect("run gcc");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("static assertion failed") && stderr.contains("Padded.b"),
        "{stderr}"
    );
}

#[test]
fn header_defines_size_and_fingerprint() {
    let h = Nested::c_header();
    assert!(h.contains(&format!("#define NESTED_SIZE {}u", Nested::SIZE)));
    assert!(h.contains(&format!(
        "#define NESTED_FINGERPRINT UINT64_C({:#018x})",
        Nested::FINGERPRINT
    )));
    assert!(h.contains(&format!(
        "#define INNER_FINGERPRINT UINT64_C({:#018x})",
        Inner::FINGERPRINT
    )));
    assert!(h.starts_with("/* Nested:"));
    assert!(h.contains("#ifndef SHM_ATOMICS_NESTED_H"));
}

// ---- Item 9: names. Two distinct layouts of one name, a layout holding another of its
// own name, and fields named after C and C++ keywords: every header compiles with gcc
// (C11 and C23) and g++ (C++20) with every struct present and usable. On the old
// renderer the first header was rejected by gcc (two `struct Inner`), the second
// compiled but declared only the inner `Loop`, and the third was rejected.

mod a {
    use shm_atomics::atomic_layout;

    #[atomic_layout]
    pub struct Inner {
        pub x: u32,
    }

    #[atomic_layout]
    pub struct Loop {
        pub z: u16,
    }
}

mod b {
    use shm_atomics::atomic_layout;

    #[atomic_layout]
    pub struct Inner {
        pub y: u64,
        pub z: u8,
    }
}

#[atomic_layout]
pub struct TwoInners {
    pub p: a::Inner,
    pub q: b::Inner,
    /// The same layout as `p`: declared once.
    pub r: a::Inner,
}

#[atomic_layout]
pub struct Loop {
    pub inner: a::Loop,
    pub y: u64,
}

#[allow(non_snake_case)] // `KEYWORDS_SIZE`, `SIZE_MAX`: in the struct and its accessors.
mod kw {
    use shm_atomics::atomic_layout;

    /// Legal Rust field names that are C or C++ keywords, names the header uses, or its
    /// own macros (`KEYWORDS_SIZE`).
    #[atomic_layout]
    pub struct Keywords {
        pub class: u8,
        pub int: u32,
        pub char: bool,
        pub default: i32,
        pub register: u8,
        pub template: u8,
        pub delete: u16,
        pub bool: u8,
        pub not: u8,
        pub r#struct: u64,
        pub r#static: u8,
        pub int_: u8,
        pub uint8_t: u8,
        pub unix: u8,
        pub KEYWORDS_SIZE: u8,
        pub SIZE_MAX: u8,
        pub module: u8,
        pub r#final: u8,
    }
}
use kw::Keywords;

/// Compiles `prog` (which includes `h.h` holding `header`) as C11, C23 and C++20 with
/// warnings as errors, runs each program and returns its output (all three must agree).
fn compile_everywhere(header: &str, prog: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("h.h"), header).expect("write header");
    std::fs::write(dir.path().join("p.c"), prog).expect("write C");
    std::fs::write(dir.path().join("p.cpp"), prog).expect("write C++");
    let mut outs = Vec::new();
    for (cc, std, src, exe) in [
        ("gcc", "-std=c11", "p.c", "c11"),
        ("gcc", "-std=c2x", "p.c", "c23"),
        ("g++", "-std=c++20", "p.cpp", "cpp20"),
    ] {
        let mut args = vec![std, "-Wall", "-Wextra", "-Werror", src, "-o", exe];
        if cc == "gcc" {
            args.push("-pedantic");
        } else {
            args.push("-Wno-invalid-offsetof");
        }
        common::compile(cc, &args, dir.path());
        outs.push(run(dir.path(), exe));
    }
    assert_eq!(outs[0], outs[1], "C11 and C23 disagree");
    assert_eq!(outs[0], outs[2], "C and C++ disagree");
    outs.swap_remove(0)
}

/// A program printing `sizeof`/`offsetof` expressions, one per line, and the expected
/// output from the Rust side.
fn probe(exprs: &[(String, usize)]) -> (String, String) {
    let mut p = String::from("#include \"h.h\"\n#include <stdio.h>\nint main(void) {\n");
    let mut want = String::new();
    for (e, v) in exprs {
        p += &format!("    printf(\"%zu\\n\", (size_t)({e}));\n");
        want += &format!("{v}\n");
    }
    p += "    return 0;\n}\n";
    (p, want)
}

#[test]
fn two_layouts_of_one_name_are_both_declared() {
    let h = TwoInners::c_header();
    let other = format!("Inner_{:08x}", b::Inner::FINGERPRINT >> 32);
    // The first `Inner` in declaration order keeps its name, the other is suffixed with
    // its fingerprint, and the identical copy in `r` is declared once.
    assert_eq!(h.matches("typedef struct Inner {").count(), 1, "{h}");
    assert_eq!(
        h.matches(&format!("typedef struct {other} {{")).count(),
        1,
        "{h}"
    );
    assert!(h.contains("struct Inner p;") && h.contains(&format!("struct {other} q;")));
    assert!(h.contains("struct Inner r;"), "{h}");
    let (prog, want) = probe(&[
        ("sizeof(struct TwoInners)".into(), TwoInners::SIZE),
        ("sizeof(struct Inner)".into(), a::Inner::SIZE),
        (format!("sizeof(struct {other})"), b::Inner::SIZE),
        ("offsetof(struct TwoInners, p.x)".into(), 0),
        (
            "offsetof(struct TwoInners, q.z)".into(),
            TwoInners::FIELDS[1].offset + 8,
        ),
        (
            "offsetof(struct TwoInners, r.x)".into(),
            TwoInners::FIELDS[2].offset,
        ),
        (
            "TWO_INNERS_SIZE + INNER_SIZE".into(),
            TwoInners::SIZE + a::Inner::SIZE,
        ),
        (
            format!("{}_SIZE", other.to_ascii_uppercase()),
            b::Inner::SIZE,
        ),
    ]);
    assert_eq!(compile_everywhere(&h, &prog), want);
    // The CLI renders from the stored descriptor: the same bytes.
    let d = shm_atomics::LayoutDescBuf::from_desc(&TwoInners::DESC);
    let back = shm_atomics::LayoutDescBuf::decode(&d.encode()).expect("decode");
    assert_eq!(back.c_header(), h);
}

#[test]
fn a_layout_holding_one_of_its_own_name_declares_both() {
    let h = Loop::c_header();
    let inner = format!("Loop_{:08x}", a::Loop::FINGERPRINT >> 32);
    // The root keeps its name (and `loop_segment()`, `LOOP_SIZE`).
    assert!(h.contains("typedef struct Loop {"), "{h}");
    assert!(h.contains(&format!("typedef struct {inner} {{")), "{h}");
    assert!(
        h.contains("static inline struct Loop *loop_segment("),
        "{h}"
    );
    let (prog, want) = probe(&[
        ("sizeof(struct Loop)".into(), Loop::SIZE),
        (format!("sizeof(struct {inner})"), a::Loop::SIZE),
        ("offsetof(struct Loop, y)".into(), Loop::FIELDS[1].offset),
        ("offsetof(struct Loop, inner.z)".into(), 0),
        ("LOOP_SIZE".into(), Loop::SIZE),
    ]);
    assert_eq!(compile_everywhere(&h, &prog), want);
}

#[test]
fn keyword_field_names_are_escaped_with_a_trailing_underscore() {
    let h = Keywords::c_header();
    // Escaped: keyword -> keyword_, and `int` -> `int__` because a field `int_` exists.
    let c_names = [
        ("class", "class_"),
        ("int", "int__"),
        ("char", "char_"),
        ("default", "default_"),
        ("register", "register_"),
        ("template", "template_"),
        ("delete", "delete_"),
        ("bool", "bool_"),
        ("not", "not_"),
        ("struct", "struct_"),
        ("static", "static_"),
        ("int_", "int_"),
        ("uint8_t", "uint8_t_"),
        ("unix", "unix_"),
        ("KEYWORDS_SIZE", "KEYWORDS_SIZE_"),
        ("SIZE_MAX", "SIZE_MAX_"),
        ("module", "module"),
        ("final", "final"),
    ];
    assert_eq!(c_names.len(), Keywords::FIELDS.len());
    let mut exprs = vec![("sizeof(Keywords)".to_string(), Keywords::SIZE)];
    for ((rust, c), f) in c_names.iter().zip(Keywords::FIELDS) {
        assert_eq!(f.name, *rust, "the descriptor holds the plain Rust name");
        assert!(h.contains(&format!(" {c}; /*")), "{c} in {h}");
        exprs.push((format!("offsetof(struct Keywords, {c})"), f.offset));
    }
    let (mut prog, want) = probe(&exprs);
    // Use the structs: store through two escaped fields.
    prog = prog.replace(
        "    return 0;",
        "    static Keywords k;\n    k.class_ = 1;\n    k.struct_ = 2;\n    return (int)(k.class_ + k.struct_) - 3;",
    );
    assert_eq!(compile_everywhere(&h, &prog), want);
}

#[test]
fn descriptors_built_by_hand_escape_keyword_layout_names_and_collisions() {
    // A decoded descriptor can hold what the macro never generates: a layout named
    // `class`, a field `new` next to `new_`, a layout named like another's macro.
    use shm_atomics::{FieldDescBuf, FieldTypeBuf, Kind, LayoutDescBuf};
    let field = |name: &str, offset: usize, ty: FieldTypeBuf| FieldDescBuf {
        name: name.into(),
        offset,
        align: ty.align(),
        ty,
        array_len: None,
    };
    let u8v = || FieldTypeBuf::Value {
        kind: Kind::Uint,
        width: 1,
    };
    let inner = LayoutDescBuf {
        name: "new".into(),
        size: 2,
        align: 1,
        fields: vec![field("new", 0, u8v()), field("new_", 1, u8v())],
    };
    let root = LayoutDescBuf {
        name: "class".into(),
        size: 4,
        align: 1,
        fields: vec![
            field("NEW_SIZE", 0, u8v()),
            field("template", 1, u8v()),
            field("x", 2, FieldTypeBuf::Layout(Box::new(inner))),
        ],
    };
    let root = LayoutDescBuf::decode(&root.encode()).expect("keywords decode");
    let h = root.c_header();
    assert!(h.contains("typedef struct class_ {") && h.contains("typedef struct new_ {"));
    let (prog, want) = probe(&[
        ("sizeof(struct class_)".into(), 4),
        ("offsetof(struct class_, NEW_SIZE_)".into(), 0),
        ("offsetof(struct class_, template_)".into(), 1),
        ("offsetof(struct class_, x.new__)".into(), 2),
        ("offsetof(struct class_, x.new_)".into(), 3),
        ("CLASS_SIZE + NEW_SIZE".into(), 6),
    ]);
    assert_eq!(compile_everywhere(&h, &prog), want);
}

#[test]
fn decode_refuses_names_that_are_not_c_identifiers() {
    use shm_atomics::LayoutDescBuf;
    let good = LayoutDescBuf::from_desc(&OneBool::DESC);
    for bad in [
        "1abc",
        "a b",
        "größe",
        "a-b",
        "_Reserved",
        "__x",
        "a__b",
        "r#type",
    ] {
        for in_field in [false, true] {
            let mut d = good.clone();
            if in_field {
                d.fields[0].name = bad.into();
            } else {
                d.name = bad.into();
            }
            let err = LayoutDescBuf::decode(&d.encode()).expect_err(bad);
            assert!(err.to_string().contains("identifier"), "{bad}: {err}");
        }
    }
    // An empty name is refused by its length.
    let mut d = good.clone();
    d.name.clear();
    LayoutDescBuf::decode(&d.encode()).expect_err("empty name");
    // Keywords decode (the header escapes them).
    let mut d = good;
    d.fields[0].name = "int".into();
    assert_eq!(LayoutDescBuf::decode(&d.encode()).expect("int"), d);
}
