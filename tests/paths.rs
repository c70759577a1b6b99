//! The field-path table (tests/paths.txt) against the Rust API and the `shma` binary:
//! every path resolves to what the table says, through `LayoutDescBuf::locate`,
//! `RawSegment::field` and `shma get`, and a bad path is refused by both with the same
//! words. python/tests/test_paths.py feeds the same table to the Python package.
#![cfg(feature = "cli")]
#![allow(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use shm_atomics::{Error, PathErrorKind, RawSegment, SegmentErrorKind, Target};

/// One line of the table.
struct Case {
    path: String,
    expect: Expect,
}

enum Expect {
    Ok {
        target: String,
        record: Option<String>,
    },
    Err {
        class: String,
    },
}

fn table() -> Vec<Case> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/paths.txt"))
            .expect("read tests/paths.txt");
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let expect = match cols.as_slice() {
            [_, "ok", target, record] => Expect::Ok {
                target: target.to_string(),
                record: (*record != "-").then(|| record.to_string()),
            },
            [_, "err", class] => Expect::Err {
                class: class.to_string(),
            },
            _ => panic!("tests/paths.txt:{}: bad line {line:?}", n + 1),
        };
        cases.push(Case {
            path: cols[0].to_string(),
            expect,
        });
    }
    assert!(cases.len() >= 50, "the table lost lines: {}", cases.len());
    cases
}

fn target_name(t: &Target<'_>) -> &'static str {
    match t {
        Target::Value { .. } => "value",
        Target::Event => "event",
        Target::Striped { .. } => "striped",
        Target::Seq(_) => "record",
        Target::Layout(_) => "layout",
        Target::Array { .. } => "array",
        _ => "unknown target",
    }
}

/// The table's segment, made by the `v2_layout` example (built by `cargo test` beside
/// the test binaries; alone: `cargo build --example v2_layout`).
fn board(dir: &Path) -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_shma"));
    let example = bin.with_file_name("examples").join("v2_layout");
    assert!(
        example.exists(),
        "{} is not built: run `cargo build --example v2_layout` (cargo test builds it)",
        example.display()
    );
    let path = dir.join("board");
    let st = Command::new(&example)
        .arg("make")
        .arg(&path)
        .status()
        .expect("run v2_layout");
    assert!(st.success(), "v2_layout make failed");
    path
}

fn shma_get(seg: &Path, field: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shma"))
        .arg("get")
        .arg(seg)
        .arg(field)
        .output()
        .expect("run shma");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every line of the table: `locate` names the same target (and record), or fails with
/// the same class; `shma get` succeeds exactly for the good paths and prints the
/// library's own message for the bad ones.
#[test]
fn the_table_holds_for_the_rust_api_and_the_cli() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seg = board(dir.path());
    let raw = RawSegment::open_readonly(&seg).expect("open");
    let d = &raw.info().descriptor;
    for case in table() {
        let p = case.path.as_str();
        let got = d.locate(p);
        let (ok, out, err) = shma_get(&seg, p);
        match (&case.expect, got) {
            (Expect::Ok { target, record }, Ok(at)) => {
                assert_eq!(target_name(&at.target), target, "{p:?}");
                assert_eq!(at.record.map(|r| r.path), *record, "{p:?}");
                assert!(ok, "shma get {p:?} failed: {err}");
                assert!(!out.is_empty(), "shma get {p:?} printed nothing");
            }
            (Expect::Err { class }, Err(e)) => {
                assert_eq!(e.kind.class(), class, "{p:?}: {e}");
                assert!(!ok, "shma get {p:?} accepted a bad path: {out}");
                assert_eq!(err, format!("shma: {e}\n"), "{p:?}: shma's words differ");
            }
            (Expect::Ok { .. }, Err(e)) => panic!("{p:?} should resolve: {e}"),
            (Expect::Err { class }, Ok(at)) => {
                panic!(
                    "{p:?} should fail ({class}), names {}",
                    at.target.describe()
                )
            }
        }
    }
}

/// Through the dynamic handles: a value outside a record is a view, one inside a
/// record is refused writable (the message names the record and the whole-record
/// calls) and viewed read-only, anything that is not a single value is refused with
/// `NotAValue`; an over-long path with `TooLong`.
#[test]
fn fields_of_the_table_through_raw_segments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seg = board(dir.path());
    let rw = RawSegment::open(&seg).expect("open");
    let ro = RawSegment::open_readonly(&seg).expect("open read-only");
    for case in table() {
        let p = case.path.as_str();
        let Expect::Ok { target, record } = &case.expect else {
            assert!(matches!(rw.field(p), Err(Error::Path(_))), "{p:?}");
            continue;
        };
        match (target.as_str(), record) {
            ("value" | "event", None) => {
                rw.field(p).expect("a writable view");
                ro.field(p).expect("a read-only view");
            }
            ("value", Some(rec)) => {
                match rw.field(p) {
                    Err(Error::Segment(e)) => {
                        assert_eq!(
                            e.kind,
                            SegmentErrorKind::InsideRecord {
                                field: p.into(),
                                record: rec.clone()
                            }
                        );
                        let msg = e.to_string();
                        assert!(msg.contains(&format!("update_record(\"{rec}\"")), "{msg}");
                    }
                    other => panic!("{p:?}: a writable view inside a record: {other:?}"),
                }
                let v = ro.field(p).expect("a read-only view");
                assert!(
                    v.store(1u8).is_err(),
                    "{p:?}: stored through a read-only view"
                );
                rw.load(p).expect("a single load");
            }
            _ => match rw.field(p) {
                Err(Error::Path(e)) => assert!(
                    matches!(e.kind, PathErrorKind::NotAValue { .. }),
                    "{p:?}: {e}"
                ),
                other => panic!("{p:?}: not a value, got {other:?}"),
            },
        }
    }
    let long = "a".repeat(shm_atomics::MAX_PATH + 1);
    match rw.field(&long) {
        Err(Error::Path(e)) => assert!(matches!(e.kind, PathErrorKind::TooLong { .. })),
        other => panic!("an over-long path: {other:?}"),
    }
}
