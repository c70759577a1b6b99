//! Layouts built at run time (`LayoutDescBuf::build`, what the Python package uses) equal
//! the macro's, and segments made from them (`RawSegment::create`) open with the typed
//! layout. Each test would fail on code where the rules differed from the macro's by one
//! offset, one alignment or one byte of the descriptor.

use shm_atomics::{
    FieldSpec, FieldTypeBuf, Kind, Layout, LayoutDescBuf, RawSegment, Segment, SegmentErrorKind,
    atomic_layout,
};

#[atomic_layout]
pub struct BNet {
    pub rx: u64,
    pub tx: u32,
    pub up: bool,
}

#[atomic_layout(align = 256)]
pub struct BStats {
    pub small: i8,
    pub net: BNet,
    pub hist: [u16; 5],
    #[atomic(align = 64)]
    pub flag: bool,
    pub nets: [BNet; 3],
    #[atomic(align = 32)]
    pub deep: BNet,
    pub last: u8,
}

#[atomic_layout]
pub struct BWide {
    pub tag: u8,
    #[atomic(align = 64)]
    pub both: u128,
    pub id: [u8; 16],
    pub pair: [i128; 2],
}

#[atomic_layout]
pub struct BFlags {
    pub on: bool,
    pub bits: [bool; 7],
    pub ratio: f32,
    pub temps: [f64; 2],
    pub tag: [u8; 4],
    pub two: [u8; 2],
    pub delta: i64,
}

fn v(name: &str, kind: Kind, width: usize) -> FieldSpec {
    FieldSpec::value(name, kind, width)
}

fn net() -> LayoutDescBuf {
    LayoutDescBuf::build(
        "BNet",
        vec![
            v("rx", Kind::Uint, 8),
            v("tx", Kind::Uint, 4),
            v("up", Kind::Bool, 1),
        ],
        None,
    )
    .expect("BNet builds")
}

fn stats() -> LayoutDescBuf {
    LayoutDescBuf::build(
        "BStats",
        vec![
            v("small", Kind::Int, 1),
            FieldSpec::layout("net", net()),
            v("hist", Kind::Uint, 2).array(5),
            v("flag", Kind::Bool, 1).aligned(64),
            FieldSpec::layout("nets", net()).array(3),
            FieldSpec::layout("deep", net()).aligned(32),
            v("last", Kind::Uint, 1),
        ],
        Some(256),
    )
    .expect("BStats builds")
}

fn wide() -> LayoutDescBuf {
    LayoutDescBuf::build(
        "BWide",
        vec![
            v("tag", Kind::Uint, 1),
            v("both", Kind::Uint, 16).aligned(64),
            v("id", Kind::Bytes, 16),
            v("pair", Kind::Int, 16).array(2),
        ],
        None,
    )
    .expect("BWide builds")
}

fn flags() -> LayoutDescBuf {
    LayoutDescBuf::build(
        "BFlags",
        vec![
            v("on", Kind::Bool, 1),
            v("bits", Kind::Bool, 1).array(7),
            v("ratio", Kind::Float, 4),
            v("temps", Kind::Float, 8).array(2),
            v("tag", Kind::Bytes, 4),
            v("two", Kind::Bytes, 2),
            v("delta", Kind::Int, 8),
        ],
        None,
    )
    .expect("BFlags builds")
}

fn same<L: Layout>(built: &LayoutDescBuf) {
    assert_eq!(*built, LayoutDescBuf::from_desc(&L::DESC), "{}", L::NAME);
    assert_eq!(built.encode(), LayoutDescBuf::from_desc(&L::DESC).encode());
    assert_eq!(built.fingerprint(), L::FINGERPRINT, "{}", L::NAME);
}

#[test]
fn built_equals_macro() {
    same::<BNet>(&net());
    same::<BStats>(&stats());
    same::<BWide>(&wide());
    same::<BFlags>(&flags());
}

#[test]
fn typed_open_accepts_built_segments() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("stats");
    let raw = RawSegment::create(&p, &stats()).expect("create");
    raw.field("nets[2].tx").unwrap().store(9u32).unwrap();
    raw.field("deep.rx").unwrap().store(5u64).unwrap();
    let s = Segment::<BStats>::open(&p).expect("typed open of a built segment");
    assert_eq!((s.nets()[2].tx().load(), s.deep().rx().load()), (9, 5));

    let p = dir.path().join("flags");
    RawSegment::create(&p, &flags()).unwrap();
    Segment::<BFlags>::open(&p).expect("typed open");
    let p = dir.path().join("net");
    RawSegment::create_with(&p, &net(), 0o640).unwrap();
    Segment::<BNet>::open(&p).expect("typed open");
    if portable_atomic::AtomicU128::is_lock_free() {
        let p = dir.path().join("wide");
        RawSegment::create(&p, &wide()).unwrap();
        Segment::<BWide>::open(&p).expect("typed open");
    }
    // Another layout is refused by the typed open, as for any segment.
    assert!(Segment::<BNet>::open(dir.path().join("flags")).is_err());
}

#[test]
fn build_refuses_what_the_macro_refuses() {
    let err = |r: Result<LayoutDescBuf, shm_atomics::LayoutBuildError>| r.unwrap_err().what;
    assert!(err(LayoutDescBuf::build("E", vec![], None)).contains("at least one field"));
    assert!(
        err(LayoutDescBuf::build(
            "A",
            vec![v("x", Kind::Uint, 8).aligned(4)],
            None
        ))
        .contains("below the natural alignment")
    );
    assert!(
        err(LayoutDescBuf::build(
            "A",
            vec![v("x", Kind::Uint, 8)],
            Some(8192)
        ))
        .contains("power of two")
    );
    assert!(
        err(LayoutDescBuf::build(
            "A",
            vec![v("x", Kind::Float, 2)],
            None
        ))
        .contains("2 bytes")
    );
    assert!(
        err(LayoutDescBuf::build(
            "A",
            vec![v("x", Kind::Bool, 1).array(usize::MAX)],
            None
        ))
        .contains("overflows")
    );
    assert!(
        err(LayoutDescBuf::build(
            "A",
            vec![v("__x", Kind::Uint, 1)],
            None
        ))
        .contains("segment could not hold")
    );
    let dup = LayoutDescBuf::build(
        "A",
        vec![v("x", Kind::Uint, 1), v("x", Kind::Uint, 1)],
        None,
    );
    assert!(dup.is_err(), "duplicate names: {dup:?}");
    // A version-2 type has the foundation's geometry.
    let ev = LayoutDescBuf::build(
        "Ev",
        vec![
            v("a", Kind::Uint, 1),
            FieldSpec::of("e", FieldTypeBuf::Event),
        ],
        None,
    )
    .unwrap();
    assert_eq!(
        (ev.fields[1].offset, ev.size, ev.format_version()),
        (4, 8, 2)
    );
}

#[test]
fn create_refusals_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x");
    // A hand-made descriptor the format refuses (field outside the layout).
    let mut bad = net();
    bad.size = 4;
    let e = RawSegment::create(&p, &bad).unwrap_err();
    assert!(e.to_string().contains("open would refuse"), "{e}");
    assert!(!p.exists());
    let e = RawSegment::create_with(&p, &net(), 0o1777).unwrap_err();
    assert!(matches!(
        e,
        shm_atomics::Error::Segment(ref s) if matches!(s.kind, SegmentErrorKind::InvalidMode { .. })
    ));
    assert!(!p.exists());
    RawSegment::create(&p, &net()).unwrap();
    let e = RawSegment::create(&p, &net()).unwrap_err();
    assert!(matches!(
        e,
        shm_atomics::Error::Segment(ref s) if matches!(s.kind, SegmentErrorKind::AlreadyExists)
    ));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary left"
    );
}
