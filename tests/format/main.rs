//! The format, written down (issue 15, section 3): `tests/format/reader.py`, a
//! stdlib-only Python reader written from docs/FORMAT.md alone, agrees with the Rust
//! implementation on every example layout: header, descriptor, fingerprint and every
//! leaf value; and refuses what Rust refuses, for the same reason.
//!
//! What this proves: FORMAT.md is complete enough to read a segment without the crate
//! (a rule missing from it, or stated differently from the code, makes the reader and
//! Rust disagree on some file here), and the writer's files follow it. `live` runs the
//! reader's record protocol and striped sums against Rust processes writing the segment.

#[macro_use]
#[path = "../common/mod.rs"]
mod shared;

mod common;
mod handbuilt;
mod layouts;
mod live;
mod paths;
mod refusals;

use common::check_segment;
use shm_atomics::{Layout, Segment};

/// Creates a segment of `L` with the real writer and checks it against the reader.
fn typed<L: Layout>() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(L::NAME);
    drop(Segment::<L>::create(&path).expect("create"));
    check_segment(&path, L::FINGERPRINT);
}

#[test]
fn example_layouts() {
    typed::<layouts::Counters>();
    typed::<layouts::Slot>();
    typed::<layouts::Stats>();
    typed::<layouts::NetStats>();
}

#[test]
fn segment_test_layouts() {
    typed::<layouts::SegInterop>();
    typed::<layouts::Wide128>();
    typed::<layouts::Fuzzed>();
}

#[test]
fn new_layouts() {
    typed::<layouts::Scalars>();
    typed::<layouts::Deep>();
    typed::<layouts::Arrays>();
    typed::<layouts::Aligned>();
    typed::<layouts::Paged>();
    typed::<layouts::Wide16>();
}

/// Hand-built descriptors with Seq, Striped and Event fields (format version 2) and
/// version-1 shapes the macro does not make, written by hand: Rust opens them, and the
/// reader agrees on everything, including sequence words and event words.
#[test]
fn handbuilt_descriptors() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (i, d) in handbuilt::descriptors().iter().enumerate() {
        let bytes = handbuilt::image(d, d.format_version());
        let path = handbuilt::write_file(dir.path(), &format!("hand{i}"), &bytes);
        check_segment(&path, d.fingerprint());
    }
}

/// The fingerprint ignores layout names (FORMAT.md section 8): a renamed layout keeps
/// its fingerprint, in Rust and in the reader.
#[test]
fn layout_names_are_not_hashed() {
    let mut d = handbuilt::descriptors().remove(0);
    let fp = d.fingerprint();
    d.name = "Renamed".into();
    assert_eq!(d.fingerprint(), fp);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = handbuilt::write_file(dir.path(), "renamed", &handbuilt::image(&d, 2));
    check_segment(&path, fp);
}

/// A header version above the descriptor's (a version-2 file of plain values) is valid
/// (FORMAT.md section 12): both accept it.
#[test]
fn newer_header_version_is_accepted() {
    let d = handbuilt::descriptors().remove(3);
    assert_eq!(d.format_version(), 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = handbuilt::write_file(dir.path(), "v2plain", &handbuilt::image(&d, 2));
    check_segment(&path, d.fingerprint());
}
