//! The harness: run `tests/format/reader.py` (written from docs/FORMAT.md alone) on a
//! segment and compare what it says with the Rust implementation: the header, the
//! descriptor (as a JSON rendering built here from `LayoutDescBuf`), the fingerprint and
//! every leaf value, read by Rust through `RawSegment`.

use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use shm_atomics::{
    DynAtomicView, Error, FieldTypeBuf, Kind, LayoutDescBuf, RawSegment, SegmentError,
};

/// The reader script, beside this file.
pub fn reader_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/format/reader.py")
}

/// Runs the reader on `path`: its JSON output and whether it exited 0.
pub fn run_reader(path: &Path) -> (Value, bool) {
    let out = Command::new("python3")
        .arg(reader_path())
        .arg(path)
        .output()
        .expect("python3 runs (it is on every CI machine)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "reader printed no JSON ({e}) for {}:\nstdout: {stdout}\nstderr: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.success())
}

fn kind_name(k: Kind) -> &'static str {
    k.name()
}

/// The JSON rendering of a descriptor, in the reader's shape.
pub fn desc_json(d: &LayoutDescBuf) -> Value {
    let fields: Vec<Value> = d
        .fields
        .iter()
        .map(|f| {
            let ty = match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    json!({"tag": "value", "kind": kind_name(*kind), "width": width})
                }
                FieldTypeBuf::Layout(n) => json!({"tag": "layout", "layout": desc_json(n)}),
                FieldTypeBuf::Seq(n) => json!({"tag": "seq", "layout": desc_json(n)}),
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => json!({"tag": "striped", "kind": kind_name(*kind), "width": width,
                            "cells": cells, "stride": stride}),
                FieldTypeBuf::Event => json!({"tag": "event"}),
                other => panic!("a field type this test does not know: {other:?}"),
            };
            json!({"name": f.name, "offset": f.offset, "type": ty,
                   "array_len": f.array_len, "align": f.align})
        })
        .collect();
    json!({"name": d.name, "size": d.size, "align": d.align, "fields": fields})
}

/// One atomic of the payload as the format names it: path, offset, kind (`seq` and
/// `event` for the sequence word and the event word), width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub path: String,
    pub offset: usize,
    pub kind: String,
    pub width: usize,
}

/// Every atomic of `d` in memory order, by FORMAT.md section 6 (written here
/// independently of the runtime's walk, and checked against it by [`check_segment`]).
pub fn atoms(d: &LayoutDescBuf) -> Vec<Atom> {
    let mut out = Vec::new();
    walk(d, 0, "", &mut out);
    out
}

fn walk(d: &LayoutDescBuf, base: usize, prefix: &str, out: &mut Vec<Atom>) {
    for f in &d.fields {
        let n = f.array_len.unwrap_or(1);
        for i in 0..n {
            let path = match f.array_len {
                Some(_) => format!("{prefix}{}[{i}]", f.name),
                None => format!("{prefix}{}", f.name),
            };
            let at = base + f.offset + i * f.width();
            let atom = |path: String, offset, kind: &str, width| Atom {
                path,
                offset,
                kind: kind.into(),
                width,
            };
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    out.push(atom(path, at, kind.name(), *width))
                }
                FieldTypeBuf::Layout(n) => walk(n, at, &format!("{path}."), out),
                FieldTypeBuf::Seq(n) => {
                    out.push(atom(path.clone(), at, "seq", 8));
                    walk(n, at + n.align.max(8), &format!("{path}."), out);
                }
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    for c in 0..*cells {
                        out.push(atom(
                            format!("{path}[{c}]"),
                            at + c * stride,
                            kind.name(),
                            *width,
                        ));
                    }
                }
                FieldTypeBuf::Event => out.push(atom(path, at, "event", 4)),
                other => panic!("a field type this test does not know: {other:?}"),
            }
        }
    }
}

/// The known bytes of atom number `i` (a pattern that exercises signs, every byte, bools
/// other than 1, floats including a NaN and an infinity), in the payload's byte order.
pub fn pattern(i: usize, a: &Atom) -> Vec<u8> {
    let w = a.width;
    match a.kind.as_str() {
        "bool" => vec![(i % 3) as u8], // 2 reads true: any non-zero byte is true
        "float" => {
            let x = match i % 5 {
                0 => f64::NAN,
                1 => f64::NEG_INFINITY,
                2 => -0.0,
                _ => (i as f64) * 1.5 - 1e9,
            };
            if w == 4 {
                (x as f32).to_ne_bytes().to_vec()
            } else {
                x.to_ne_bytes().to_vec()
            }
        }
        _ => (0..w)
            .map(|j| (i.wrapping_mul(37) ^ j.wrapping_mul(101)).wrapping_add(0x5a) as u8)
            .collect(),
    }
}

/// What Rust reads for an atom of the payload, as the reader prints it.
fn rust_value(view: &DynAtomicView<'_>, a: &Atom) -> Value {
    let v = view.load().expect("load");
    match a.kind.as_str() {
        "int" => json!({"value": v.as_i128().to_string()}),
        "uint" | "event" => json!({"value": v.as_u128().to_string()}),
        "bool" => json!({"value": v.as_bool()}),
        "bytes" => json!({"value": hex(v.as_bytes())}),
        "float" => {
            let x = v.as_f64().expect("a float");
            let value = if x.is_nan() {
                json!("nan")
            } else if x.is_infinite() {
                json!(if x > 0.0 { "inf" } else { "-inf" })
            } else {
                json!(x)
            };
            json!({"value": value, "bits": format!("{:0w$x}", v.bits(), w = a.width * 2)})
        }
        k => panic!("kind {k}"),
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Writes the known pattern into every atom of the segment at `path` (through the file,
/// so through no Rust atomics), then checks that the reader and Rust agree on everything:
/// header fields, descriptor, fingerprint (also `== expected_fp`), format version, and
/// every leaf's path, offset, kind, width and value. Also checks that the runtime's own
/// walk gives the same value leaves as FORMAT.md section 6 does here.
pub fn check_segment(path: &Path, expected_fp: u64) {
    let raw = RawSegment::open(path).expect("Rust opens the segment");
    let info = raw.info();
    let d = info.descriptor.clone();
    assert_eq!(d.fingerprint(), expected_fp, "descriptor fingerprint");
    assert_eq!(info.fingerprint, expected_fp, "header fingerprint");
    let all = atoms(&d);

    // The runtime's walk: the same value leaves (no sequence words; an event is a u32).
    let rust_leaves: Vec<Atom> = d
        .leaves()
        .map(|l| Atom {
            path: l.path,
            offset: l.offset,
            kind: l.kind.name().into(),
            width: l.width,
        })
        .collect();
    let mine: Vec<Atom> = all
        .iter()
        .filter(|a| a.kind != "seq")
        .map(|a| Atom {
            kind: if a.kind == "event" {
                "uint".into()
            } else {
                a.kind.clone()
            },
            ..a.clone()
        })
        .collect();
    assert_eq!(
        rust_leaves, mine,
        "the runtime's walk and FORMAT.md section 6"
    );

    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open for writing");
    for (i, a) in all.iter().enumerate() {
        file.write_at(&pattern(i, a), info.payload_offset + a.offset as u64)
            .expect("write a value");
    }
    // The sequence words, which FORMAT.md section 6 says are not leaves: the reader lists
    // them apart, under "records".
    let (words, values): (Vec<&Atom>, Vec<&Atom>) = all.iter().partition(|a| a.kind == "seq");
    let expected_records: Vec<Value> = words
        .iter()
        .map(|a| {
            let region = raw.region().subregion(a.offset, 8).expect("in the payload");
            let view = DynAtomicView::with_kind(region, Kind::Uint).expect("a view");
            let word = view.load().expect("load").as_u128().to_string();
            json!({"path": a.path, "offset": a.offset, "word": word})
        })
        .collect();
    let expected: Vec<Value> = values
        .iter()
        .map(|a| {
            let region = raw
                .region()
                .subregion(a.offset, a.width)
                .expect("in the payload");
            let kind = match a.kind.as_str() {
                "event" => Kind::Uint,
                k => *Kind::ALL.iter().find(|x| x.name() == k).expect("a kind"),
            };
            let view = DynAtomicView::with_kind(region, kind).expect("a view");
            let mut leaf = json!({"path": a.path, "offset": a.offset, "kind": a.kind,
                                  "width": a.width});
            let v = rust_value(&view, a);
            for (k, x) in v.as_object().expect("an object") {
                leaf[k] = x.clone();
            }
            leaf
        })
        .collect();

    let (out, ok) = run_reader(path);
    assert!(ok, "the reader refused {}: {out}", path.display());
    let h = &out["header"];
    assert_eq!(h["version"], json!(info.version), "version");
    assert_eq!(out["format_version"], json!(d.format_version()));
    assert_eq!(h["header_len"], json!(info.header_len));
    assert_eq!(h["payload_offset"], json!(info.payload_offset));
    assert_eq!(h["payload_size"], json!(info.payload_size));
    assert_eq!(h["creator_pid"], json!(info.creator_pid));
    let ns = info
        .created
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after the epoch")
        .as_nanos() as u64;
    assert_eq!(h["created_ns"], json!(ns));
    assert_eq!(h["descriptor_len"], json!(d.encode().len()));
    let fp = format!("{expected_fp:#018x}");
    assert_eq!(h["fingerprint"], json!(fp));
    assert_eq!(
        out["fingerprint"],
        json!(fp),
        "the reader's recomputed fingerprint"
    );
    assert_eq!(out["descriptor"], desc_json(&d), "descriptor");
    let got = out["leaves"].as_array().expect("leaves");
    assert_eq!(got.len(), expected.len(), "leaf count");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e, "leaf");
    }
    assert_eq!(out["leaves_truncated"], json!(false));
    assert_eq!(out["records"], json!(expected_records), "sequence words");
}

/// The error kind's name (`Malformed`, `Version`, ...) of a Rust error.
pub fn rust_kind(e: &Error) -> String {
    match e {
        Error::Segment(SegmentError { kind, .. }) => {
            let s = format!("{kind:?}");
            s.split(['(', ' ', '{']).next().unwrap_or("").to_string()
        }
        other => format!("not a segment error: {other}"),
    }
}

/// `at byte N` of a malformed-descriptor message, if any.
pub fn at_byte(msg: &str) -> Option<usize> {
    let rest = msg.split("at byte ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Opens `path` with Rust and with the reader: both accept it (and agree on every value)
/// or both refuse it with the same error kind, and the same byte for a descriptor error.
/// Returns the kind (`"ok"` when accepted).
pub fn compare_verdicts(path: &Path) -> String {
    let rust = RawSegment::open(path);
    let (out, ok) = run_reader(path);
    match rust {
        Ok(raw) => {
            assert!(
                ok,
                "Rust accepts {} but the reader refuses it: {out}",
                path.display()
            );
            let fp = raw.info().fingerprint;
            drop(raw);
            check_segment(path, fp);
            "ok".into()
        }
        Err(e) => {
            assert!(
                !ok,
                "Rust refuses {} ({e}) but the reader accepts it",
                path.display()
            );
            let kind = rust_kind(&e);
            assert_eq!(
                out["kind"],
                json!(kind),
                "error kind: Rust says {e}, reader {out}"
            );
            let reader_msg = out["error"].as_str().unwrap_or("");
            assert_eq!(
                at_byte(reader_msg),
                at_byte(&e.to_string()),
                "descriptor error byte: Rust says {e}, reader {reader_msg}"
            );
            kind
        }
    }
}

/// Runs the reader once on many files: one JSON object per file.
pub fn run_reader_many(paths: &[PathBuf]) -> Vec<Value> {
    let out = Command::new("python3")
        .arg(reader_path())
        .args(paths)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(
        v.len(),
        paths.len(),
        "one line per file; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    v
}

/// The verdict of Rust on `path`: `("ok", None)` or the error kind and descriptor byte.
pub fn rust_verdict(path: &Path) -> (String, Option<usize>, String) {
    match RawSegment::open(path) {
        Ok(_) => ("ok".into(), None, String::new()),
        Err(e) => (rust_kind(&e), at_byte(&e.to_string()), e.to_string()),
    }
}

/// The reader's verdict in the same terms.
pub fn reader_verdict(v: &Value) -> (String, Option<usize>, String) {
    if v["ok"] == json!(true) {
        return ("ok".into(), None, String::new());
    }
    let msg = v["error"].as_str().unwrap_or("").to_string();
    (v["kind"].as_str().unwrap_or("?").into(), at_byte(&msg), msg)
}
