//! The path grammar of FORMAT.md section 16, as `tests/format/reader.py --locate` reads
//! it from the document, against the Rust implementation: every path the walk lists
//! resolves to the same offset, the other ends (records, counters, arrays, nested
//! layouts) to the descriptor's offsets, paths inside a record name their record, and
//! bad paths are refused with the class section 16.4 gives; and the runtime's resolver,
//! `LayoutDescBuf::locate`, gives the same answer, or the same error class at the same
//! byte, for each.

use serde_json::{Value, json};
use shm_atomics::{
    Event, FieldDescBuf, Layout, LayoutDescBuf, Segment, Seq, Striped, Target, atomic_layout,
};

use crate::live::reader;

#[atomic_layout]
pub struct Pose {
    pub x: f64,
    pub y: f64,
}

#[atomic_layout]
pub struct Net {
    pub rx: u64,
    pub tx: u64,
}

#[atomic_layout]
pub struct Robot {
    pub id: u32,
    pub pose: Seq<Pose>,
}

#[atomic_layout]
pub struct Named {
    pub hits: Striped<u64, 4>,
    pub per_core: [Striped<u32, 2>; 3],
    pub pose: Seq<Pose>,
    pub robots: [Robot; 2],
    pub net: Net,
    pub hist: [u16; 4],
    pub ready: Event,
    pub evs: [Event; 3],
    pub x_1: u8,
}

fn field<'a>(d: &'a LayoutDescBuf, name: &str) -> &'a FieldDescBuf {
    d.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// `reader.py --locate` for each of `paths` (under the live tests' deadline).
fn locate(path: &std::path::Path, paths: &[&str]) -> Vec<Value> {
    let args: Vec<&str> = paths.iter().flat_map(|p| ["--locate", p]).collect();
    let v = reader(path, &args);
    assert_eq!(v["ok"], json!(true), "{v}");
    v["located"].as_array().expect("located").clone()
}

/// What Rust's `locate` says of `path`, in the reader's terms: `{"ok", "offset", "what",
/// "record"}` or `{"ok": false, "kind", "at"}` (the `PathErrorKind` variant's name and
/// the byte where the path goes wrong).
fn rust_locate(d: &LayoutDescBuf, path: &str) -> Value {
    match d.locate(path) {
        Ok(loc) => {
            let what = match loc.target {
                Target::Value { .. } => "value",
                Target::Event => "event",
                Target::Striped { .. } => "striped",
                Target::Seq(_) => "seq",
                Target::Layout(_) => "layout",
                Target::Array { .. } => "array",
                other => panic!("a target this test does not know: {other:?}"),
            };
            let record = loc
                .record
                .map(|r| json!({"path": r.path, "offset": r.offset}));
            json!({"ok": true, "offset": loc.offset, "what": what, "record": record})
        }
        Err(e) => {
            let kind = format!("{:?}", e.kind);
            let name = kind.split([' ', '{', '(']).next().unwrap_or("").to_string();
            json!({"ok": false, "kind": name, "at": e.at})
        }
    }
}

/// The reader's answer in the same terms (a striped cell is a value to Rust).
fn reader_terms(g: &Value) -> Value {
    if g["ok"] == json!(false) {
        return json!({"ok": false, "kind": g["kind"], "at": g["at"]});
    }
    let what = match g["target"]["what"].as_str() {
        Some("cell") => "value",
        Some(w) => w,
        None => panic!("no target: {g}"),
    };
    json!({"ok": true, "offset": g["offset"], "what": what, "record": g["record"]})
}

/// A path, what it names, its offset, and the record it is inside (path, offset).
type Case = (
    &'static str,
    &'static str,
    usize,
    Option<(&'static str, usize)>,
);

#[test]
fn reader_paths_agree_with_rust() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("named");
    drop(Segment::<Named>::create(&file).expect("create"));
    let d = LayoutDescBuf::from_desc(&Named::DESC);

    // Every leaf the runtime's walk lists: a value, cell or event at the walk's offset.
    let leaves: Vec<_> = d.leaves().collect();
    let paths: Vec<&str> = leaves.iter().map(|l| l.path.as_str()).collect();
    let got = locate(&file, &paths);
    assert_eq!(got.len(), leaves.len());
    for (g, l) in got.iter().zip(&leaves) {
        assert_eq!(g["ok"], json!(true), "{g}");
        assert_eq!(g["offset"], json!(l.offset), "{}", l.path);
        assert_eq!(g["target"]["width"], json!(l.width), "{}", l.path);
        assert_eq!(d.leaf(&l.path).map(|x| x.offset), Some(l.offset));
        assert_eq!(rust_locate(&d, &l.path), reader_terms(g), "{}", l.path);
    }

    // The other ends of section 16.2, and the record a path is inside (16.3).
    let pose = field(&d, "pose").offset;
    let robots = field(&d, "robots").offset;
    let robot = Robot::SIZE;
    let robot_pose = LayoutDescBuf::from_desc(&Robot::DESC).fields[1].offset;
    let per_core = field(&d, "per_core").offset;
    let rec_at = 8; // max(8, Pose's alignment): the record after its sequence word
    let cases: Vec<Case> = vec![
        ("hits", "striped", field(&d, "hits").offset, None),
        ("per_core", "array", per_core, None),
        ("per_core[2]", "striped", per_core + 2 * 2 * 128, None),
        ("per_core[2][1]", "cell", per_core + 2 * 2 * 128 + 128, None),
        ("pose", "seq", pose, None),
        ("pose.y", "value", pose + rec_at + 8, Some(("pose", pose))),
        ("robots", "array", robots, None),
        ("robots[1]", "layout", robots + robot, None),
        ("robots[1].pose", "seq", robots + robot + robot_pose, None),
        (
            "robots[1].pose.x",
            "value",
            robots + robot + robot_pose + rec_at,
            Some(("robots[1].pose", robots + robot + robot_pose)),
        ),
        ("net", "layout", field(&d, "net").offset, None),
        ("hist", "array", field(&d, "hist").offset, None),
        ("ready", "event", field(&d, "ready").offset, None),
        ("evs[2]", "event", field(&d, "evs").offset + 8, None),
    ];
    let paths: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for (g, (path, what, offset, record)) in locate(&file, &paths).iter().zip(&cases) {
        assert_eq!(g["ok"], json!(true), "{g}");
        assert_eq!(g["target"]["what"], json!(what), "{path}: {g}");
        assert_eq!(g["offset"], json!(offset), "{path}: {g}");
        let rec = record.map(|(p, o)| json!({"path": p, "offset": o}));
        assert_eq!(g["record"], json!(rec), "{path}: {g}");
        assert_eq!(rust_locate(&d, path), reader_terms(g), "{path}");
    }

    // Refusals, by class (section 16.4); `leaf()` finds no value at any of them.
    let long = "a".repeat(4097);
    let bad: Vec<(&str, &str)> = vec![
        ("", "Empty"),
        (&long, "TooLong"),
        ("net..rx", "BadName"),
        ("net.", "BadName"),
        (".net", "BadName"),
        ("9net", "BadName"),
        ("nope", "UnknownField"),
        ("pose.seq", "UnknownField"), // the sequence word has no path
        ("net[0]", "NotIndexable"),
        ("net.rx[0]", "NotIndexable"),
        ("hits[1][0]", "NotIndexable"),
        ("hits[+1]", "BadIndex"),
        ("hits[01]", "BadIndex"),
        ("hits[-1]", "BadIndex"),
        ("hist[]", "BadIndex"),
        ("hist[1", "BadIndex"),
        ("hits[4]", "OutOfRange"),
        ("hist[4]", "OutOfRange"),
        ("per_core[3][0]", "OutOfRange"),
        ("per_core[2][2]", "OutOfRange"),
        ("hits.x", "NoFields"),
        ("hist.x", "NoFields"),
        ("ready.x", "NoFields"),
        ("net.rx.y", "NoFields"),
        ("net.rx]", "Unexpected"),
        ("hist[1]x", "Unexpected"),
    ];
    let paths: Vec<&str> = bad.iter().map(|b| b.0).collect();
    for (g, (path, kind)) in locate(&file, &paths).iter().zip(&bad) {
        assert_eq!(g["ok"], json!(false), "{path}: {g}");
        assert_eq!(g["kind"], json!(kind), "{path}: {g}");
        assert!(d.leaf(path).is_none(), "{path}");
        assert_eq!(rust_locate(&d, path), reader_terms(g), "{path}");
    }
}
