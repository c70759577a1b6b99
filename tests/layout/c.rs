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
fn layouts() -> Vec<(&'static str, usize, usize, shm_atomics::LayoutDesc, String)> {
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
    assert!(all.len() >= 12);
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
    let out = std::process::Command::new("gcc")
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
