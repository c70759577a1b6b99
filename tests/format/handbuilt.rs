//! Descriptors built by hand as `LayoutDescBuf` (the field types of format version 2,
//! `Seq`, `Striped` and `Event`, before their runtime types exist; and shapes the macro
//! does not make), and segment files of them written by FORMAT.md sections 2 and 11
//! (header from a real segment, its sizes, fingerprint and version replaced).

use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use shm_atomics::{
    FIXED_HEADER, FieldDescBuf, FieldTypeBuf, Kind, LayoutDescBuf, PAYLOAD_ALIGN, Segment,
    SegmentHeader, atomic_layout,
};

#[atomic_layout]
pub struct Template {
    pub x: u64,
}

/// A field before placement: name, type, array length, declared alignment (0: natural).
pub struct Decl(
    pub &'static str,
    pub FieldTypeBuf,
    pub Option<usize>,
    pub usize,
);

/// Places `fields` as `#[repr(C)]` does: each at the next multiple of its alignment, the
/// size rounded up to the layout's alignment (`min_align` or more).
pub fn layout(name: &str, min_align: usize, fields: Vec<Decl>) -> LayoutDescBuf {
    let mut end = 0usize;
    let mut align = min_align.max(1);
    let mut out = Vec::new();
    for Decl(n, ty, array_len, falign) in fields {
        let falign = falign.max(ty.align());
        let offset = end.next_multiple_of(falign);
        end = offset + ty.size() * array_len.unwrap_or(1);
        align = align.max(falign);
        out.push(FieldDescBuf {
            name: n.into(),
            offset,
            ty,
            array_len,
            align: falign,
        });
    }
    LayoutDescBuf {
        name: name.into(),
        size: end.next_multiple_of(align),
        align,
        fields: out,
    }
}

pub fn value(kind: Kind, width: usize) -> FieldTypeBuf {
    FieldTypeBuf::Value { kind, width }
}

pub fn striped(kind: Kind, width: usize, cells: usize, stride: usize) -> FieldTypeBuf {
    FieldTypeBuf::Striped {
        kind,
        width,
        cells,
        stride,
    }
}

/// The bytes of a segment of `desc` whose header says `version`: every header field as
/// FORMAT.md section 2 says, zero payload, ready word set.
pub fn image(desc: &LayoutDescBuf, version: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = dir.path().join("template");
    drop(Segment::<Template>::create(&t).expect("create the template"));
    let bytes = std::fs::read(&t).expect("read the template");
    let mut h = SegmentHeader::read(&bytes).expect("a header");
    let enc = desc.encode();
    let a = desc.align.max(PAYLOAD_ALIGN);
    let header_len = (FIXED_HEADER + enc.len()).next_multiple_of(PAYLOAD_ALIGN);
    let payload_offset = (FIXED_HEADER + enc.len()).next_multiple_of(a);
    h.version = version.into();
    h.header_len = (header_len as u32).into();
    h.payload_offset = (payload_offset as u64).into();
    h.payload_size = (desc.size as u64).into();
    h.fingerprint = desc.fingerprint().into();
    h.descriptor_len = (enc.len() as u32).into();
    let mut out = vec![0u8; payload_offset + desc.size];
    out[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
    out[FIXED_HEADER..FIXED_HEADER + enc.len()].copy_from_slice(&enc);
    out
}

/// Writes `bytes` to `dir/name`, mode 0600, and returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&p)
        .expect("create the file");
    std::io::Write::write_all(&mut f, bytes).expect("write the file");
    p
}

/// Hand-built descriptors, each with the format version a writer gives it.
pub fn descriptors() -> Vec<LayoutDescBuf> {
    use FieldTypeBuf::{Event, Layout, Seq};
    let pose = layout(
        "Pose",
        1,
        vec![
            Decl("x", value(Kind::Float, 8), None, 0),
            Decl("y", value(Kind::Float, 4), None, 0),
            Decl("id", value(Kind::Int, 2), None, 0),
        ],
    );
    // A record aligned above 8: the record starts at its alignment, not at 8.
    let wide = layout(
        "Wide",
        128,
        vec![
            Decl("big", value(Kind::Uint, 16), None, 0),
            Decl("flag", value(Kind::Bool, 1), None, 0),
        ],
    );
    // A one-byte record: the whole rounds up to 16 (8 + 8).
    let tiny = layout("Tiny", 1, vec![Decl("b", value(Kind::Bytes, 1), None, 0)]);
    let v2 = layout(
        "Records",
        1,
        vec![
            Decl("pose", Seq(Box::new(pose.clone())), None, 0),
            Decl("hits", striped(Kind::Uint, 8, 4, 64), None, 0),
            Decl("ready", Event, None, 0),
            Decl("tail", value(Kind::Uint, 4), None, 0),
        ],
    );
    let v2_arrays = layout(
        "RecordArrays",
        1,
        vec![
            Decl("wides", Seq(Box::new(wide.clone())), Some(2), 0),
            Decl("tinies", Seq(Box::new(tiny)), Some(3), 0),
            Decl("packed", striped(Kind::Int, 4, 3, 4), Some(2), 0),
            Decl("events", Event, Some(3), 0),
            Decl("wide16", striped(Kind::Int, 16, 2, 16), None, 0),
        ],
    );
    // A version-2 type only inside a nested layout: the file is still version 2.
    let inner = layout(
        "Inner",
        1,
        vec![
            Decl("n", value(Kind::Uint, 1), None, 0),
            Decl("pose", Seq(Box::new(pose)), None, 0),
        ],
    );
    let nested_v2 = layout(
        "NestedV2",
        1,
        vec![
            Decl("head", value(Kind::Int, 8), None, 0),
            Decl("inner", Layout(Box::new(inner)), Some(2), 0),
            Decl("page", value(Kind::Uint, 4), None, 4096),
        ],
    );
    // Shapes of version 1 the macro does not make: gaps, a declared alignment above the
    // fields' own, a layout name the fingerprint ignores.
    let v1 = LayoutDescBuf {
        name: "Gappy".into(),
        size: 256,
        align: 128,
        fields: vec![
            FieldDescBuf {
                name: "a".into(),
                offset: 8,
                ty: value(Kind::Uint, 2),
                array_len: Some(3),
                align: 2,
            },
            FieldDescBuf {
                name: "int".into(), // a C keyword: allowed, the C header escapes it
                offset: 64,
                ty: value(Kind::Bytes, 16),
                array_len: None,
                align: 64,
            },
            FieldDescBuf {
                name: "nested".into(),
                offset: 128,
                ty: Layout(Box::new(wide)),
                array_len: None,
                align: 128,
            },
        ],
    };
    vec![v2, v2_arrays, nested_v2, v1]
}
