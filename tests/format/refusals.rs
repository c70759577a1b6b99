//! Refusals: files that break a rule of docs/FORMAT.md are refused by Rust and by the
//! reader, with the same error kind (and the same byte, for a descriptor); files that
//! break none are accepted by both. Each case would fail if either side skipped the
//! check or the document stated it differently from the code.

use std::path::PathBuf;

use shm_atomics::{FIXED_HEADER, FieldTypeBuf, Kind, LayoutDescBuf};

use crate::common::{compare_verdicts, reader_verdict, run_reader_many, rust_verdict};
use crate::handbuilt::{Decl, descriptors, image, layout, striped, value, write_file};

fn put(b: &mut [u8], at: usize, v: &[u8]) {
    b[at..at + v.len()].copy_from_slice(v);
}

/// Every header check of FORMAT.md section 9, one corrupted field at a time, on a
/// version-2 file.
#[test]
fn header_refusals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = descriptors().remove(0);
    let good = image(&d, 2);
    let plen = good.len();
    let le32 = |v: u32| v.to_le_bytes().to_vec();
    let le64 = |v: u64| v.to_le_bytes().to_vec();
    let hl = u32::from_le_bytes(good[12..16].try_into().unwrap());
    let po = u64::from_le_bytes(good[16..24].try_into().unwrap());
    let fp = u64::from_le_bytes(good[32..40].try_into().unwrap());
    let dl = u32::from_le_bytes(good[60..64].try_into().unwrap());
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Box<dyn Fn(&mut Vec<u8>)>, &str)> = vec![
        ("magic", Box::new(|b| b[1] = b'X'), "Foreign"),
        (
            "version 0",
            Box::new(move |b| put(b, 8, &le32(0))),
            "Version",
        ),
        (
            "version 3",
            Box::new(move |b| put(b, 8, &le32(3))),
            "Version",
        ),
        (
            "version 1, v2 types",
            Box::new(move |b| put(b, 8, &le32(1))),
            "Malformed",
        ),
        (
            "swapped mark",
            Box::new(|b| b[52..56].reverse()),
            "ByteOrder",
        ),
        ("garbage mark", Box::new(|b| b[52] ^= 0x40), "Malformed"),
        (
            "descriptor offset",
            Box::new(move |b| put(b, 56, &le32(192))),
            "Malformed",
        ),
        (
            "descriptor len 0",
            Box::new(move |b| put(b, 60, &le32(0))),
            "Malformed",
        ),
        (
            "descriptor len 2^20+1",
            Box::new(move |b| put(b, 60, &le32((1 << 20) + 1))),
            "Malformed",
        ),
        (
            "header len short",
            Box::new(move |b| put(b, 12, &le32(hl - 64))),
            "Malformed",
        ),
        (
            "header len odd",
            Box::new(move |b| put(b, 12, &le32(hl + 1))),
            "Malformed",
        ),
        (
            "payload before header",
            Box::new(move |b| put(b, 16, &le64(u64::from(hl) - 64))),
            "Malformed",
        ),
        (
            "payload offset odd",
            Box::new(move |b| put(b, 16, &le64(po + 8))),
            "Malformed",
        ),
        ("not ready", Box::new(|b| b[64..72].fill(0)), "NotReady"),
        (
            "overflowing size",
            Box::new(move |b| put(b, 24, &le64(u64::MAX))),
            "Malformed",
        ),
        (
            "truncated",
            Box::new(move |b| b.truncate(plen - 1)),
            "Truncated",
        ),
        (
            "too short",
            Box::new(|b| b.truncate(FIXED_HEADER - 1)),
            "TooShort",
        ),
        (
            "fingerprint",
            Box::new(move |b| put(b, 32, &le64(fp ^ 1))),
            "Malformed",
        ),
        (
            "payload size not the layout's",
            Box::new(move |b| {
                let size = u64::from_le_bytes(b[24..32].try_into().unwrap());
                put(b, 24, &le64(size + 64));
                b.resize(b.len() + 64, 0);
            }),
            "Malformed",
        ),
        (
            "trailing descriptor byte",
            Box::new(move |b| {
                put(b, 60, &le32(dl + 1));
                // The header length and payload offset still hold it (padding is zero).
            }),
            "Malformed",
        ),
        ("reserved bytes are ignored", Box::new(|b| b[100] = 7), "ok"),
        (
            "creator pid is not checked",
            Box::new(|b| b[48..52].fill(0xff)),
            "ok",
        ),
        (
            "a longer file is fine",
            Box::new(|b| b.resize(b.len() + 4096, 1)),
            "ok",
        ),
    ];
    for (what, f, want) in cases {
        let mut b = good.clone();
        f(&mut b);
        let path = write_file(dir.path(), "case", &b);
        let kind = compare_verdicts(&path);
        assert_eq!(kind, want, "{what}");
    }
}

/// A payload offset that is a multiple of 64 but not of the layout's alignment
/// (4096): refused by both.
#[test]
fn payload_offset_alignment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = layout(
        "Paged",
        4096,
        vec![Decl("x", value(Kind::Uint, 8), None, 0)],
    );
    let mut b = image(&d, 1);
    let po = u64::from_le_bytes(b[16..24].try_into().unwrap());
    assert_eq!(po, 4096);
    b[16..24].copy_from_slice(&(po + 64).to_le_bytes());
    b.resize(b.len() + 64, 0);
    let path = write_file(dir.path(), "misaligned", &b);
    assert_eq!(compare_verdicts(&path), "Malformed");
}

/// A group-writable file is refused by both (FORMAT.md section 10).
#[test]
fn shared_write_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let d = descriptors().remove(3);
    let path = write_file(dir.path(), "shared", &image(&d, 1));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o620)).expect("chmod");
    assert_eq!(compare_verdicts(&path), "SharedWrite");
}

/// Descriptors that break one rule of FORMAT.md section 5 each, written as complete
/// files (fingerprint recomputed): both refuse them, at the same byte.
#[test]
fn descriptor_rule_refusals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = descriptors().remove(0);
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Box<dyn Fn(&mut LayoutDescBuf)>)> = vec![
        ("empty name", Box::new(|d| d.fields[3].name = String::new())),
        (
            "long name",
            Box::new(|d| d.fields[3].name = "a".repeat(256)),
        ),
        ("digit first", Box::new(|d| d.fields[3].name = "1a".into())),
        ("dash", Box::new(|d| d.fields[3].name = "a-b".into())),
        ("non-ASCII", Box::new(|d| d.fields[3].name = "größe".into())),
        ("_Upper", Box::new(|d| d.fields[3].name = "_Tail".into())),
        (
            "double underscore",
            Box::new(|d| d.name = "Rec__ords".into()),
        ),
        ("duplicate", Box::new(|d| d.fields[3].name = "hits".into())),
        ("align 3", Box::new(|d| d.align = 3)),
        (
            "align 8192",
            Box::new(|d| {
                d.align = 8192;
                d.size = 8192;
            }),
        ),
        ("size 0", Box::new(|d| d.size = 0)),
        ("size not a multiple", Box::new(|d| d.size += 8)),
        ("no fields", Box::new(|d| d.fields.clear())),
        (
            "width 3",
            Box::new(|d| d.fields[3].ty = value(Kind::Uint, 3)),
        ),
        (
            "bool width 2",
            Box::new(|d| d.fields[3].ty = value(Kind::Bool, 2)),
        ),
        (
            "float width 16",
            Box::new(|d| d.fields[3].ty = value(Kind::Float, 16)),
        ),
        (
            "striped float",
            Box::new(|d| d.fields[1].ty = striped(Kind::Float, 8, 4, 64)),
        ),
        (
            "striped bool",
            Box::new(|d| d.fields[1].ty = striped(Kind::Bool, 1, 4, 64)),
        ),
        (
            "0 cells",
            Box::new(|d| d.fields[1].ty = striped(Kind::Uint, 8, 0, 64)),
        ),
        (
            "4097 cells",
            Box::new(|d| d.fields[1].ty = striped(Kind::Uint, 8, 4097, 64)),
        ),
        (
            "stride below width",
            Box::new(|d| d.fields[1].ty = striped(Kind::Uint, 8, 4, 4)),
        ),
        (
            "stride 24",
            Box::new(|d| d.fields[1].ty = striped(Kind::Uint, 8, 4, 24)),
        ),
        (
            "stride 8192",
            Box::new(|d| d.fields[1].ty = striped(Kind::Uint, 8, 4, 8192)),
        ),
        (
            "array length 0",
            Box::new(|d| d.fields[3].array_len = Some(0)),
        ),
        ("align below natural", Box::new(|d| d.fields[3].align = 2)),
        (
            "align above the layout's",
            Box::new(|d| d.fields[3].align = d.align * 2),
        ),
        (
            "align not a power of two",
            Box::new(|d| d.fields[3].align = 12),
        ),
        ("misaligned offset", Box::new(|d| d.fields[3].offset += 2)),
        (
            "overlap",
            Box::new(|d| d.fields[3].offset = d.fields[2].offset),
        ),
        (
            "past the size",
            Box::new(|d| d.fields[3].array_len = Some(1 << 20)),
        ),
        (
            "seq record broken",
            Box::new(|d| {
                if let FieldTypeBuf::Seq(r) = &mut d.fields[0].ty {
                    r.fields[0].name = "__x".into();
                }
            }),
        ),
        (
            "too deep",
            Box::new(|d| {
                // 17 nested levels below the top: one more than MAX_DEPTH.
                let mut inner = layout("L", 1, vec![Decl("v", value(Kind::Uint, 1), None, 0)]);
                for _ in 0..17 {
                    inner = layout(
                        "L",
                        1,
                        vec![Decl("n", FieldTypeBuf::Layout(Box::new(inner)), None, 0)],
                    );
                }
                d.fields[3].ty = FieldTypeBuf::Layout(Box::new(inner));
                d.fields[3].align = 4;
            }),
        ),
        (
            "4097 fields",
            Box::new(|d| {
                let names: Vec<String> = (0..4097).map(|i| format!("f{i}")).collect();
                let many = LayoutDescBuf {
                    name: "Many".into(),
                    size: 4097 + 7,
                    align: 1,
                    fields: names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| shm_atomics::FieldDescBuf {
                            name: n.clone(),
                            offset: i,
                            ty: value(Kind::Uint, 1),
                            array_len: None,
                            align: 1,
                        })
                        .collect(),
                };
                *d = many;
            }),
        ),
    ];
    let mut paths: Vec<PathBuf> = Vec::new();
    for (i, (_, f)) in cases.iter().enumerate() {
        let mut d = base.clone();
        f(&mut d);
        paths.push(write_file(dir.path(), &format!("rule{i}"), &image(&d, 2)));
    }
    let reader = run_reader_many(&paths);
    for (((what, _), path), r) in cases.iter().zip(&paths).zip(&reader) {
        let rust = rust_verdict(path);
        let mine = reader_verdict(r);
        assert_eq!(rust.0, "Malformed", "{what}: Rust says {}", rust.2);
        assert_eq!(
            (&rust.0, rust.1),
            (&mine.0, mine.1),
            "{what}: Rust {} / reader {}",
            rust.2,
            mine.2
        );
    }
}

/// Every byte of two descriptors (one of version 2, one of version 1 with arrays and
/// nesting) replaced by three other values: Rust and the reader agree on each file,
/// accepting the same ones and refusing the others with the same kind at the same byte.
#[test]
fn every_descriptor_byte_corrupted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut all = descriptors();
    let v1 = all.remove(3);
    let v2 = all.remove(0);
    let mut paths = Vec::new();
    for (j, d) in [v2, v1].iter().enumerate() {
        let good = image(d, d.format_version());
        let len = d.encode().len();
        for at in FIXED_HEADER..FIXED_HEADER + len {
            for (k, f) in [
                |x: u8| x ^ 0xff,
                |x: u8| x.wrapping_add(1),
                |x: u8| x ^ 0x40,
            ]
            .iter()
            .enumerate()
            {
                let mut b = good.clone();
                b[at] = f(b[at]);
                paths.push(write_file(dir.path(), &format!("c{j}_{at}_{k}"), &b));
            }
        }
    }
    let reader = run_reader_many(&paths);
    let mut accepted = 0;
    for (path, r) in paths.iter().zip(&reader) {
        let rust = rust_verdict(path);
        let mine = reader_verdict(r);
        assert_eq!(
            (&rust.0, rust.1),
            (&mine.0, mine.1),
            "{}: Rust {} / reader {}",
            path.display(),
            rust.2,
            mine.2
        );
        accepted += usize::from(rust.0 == "ok");
    }
    // Renaming a layout keeps the fingerprint (FORMAT.md section 8): some corruptions
    // of layout names are valid files, read alike by both.
    assert!(accepted > 0, "some renamed layouts are accepted");
}
