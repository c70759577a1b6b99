"""Layouts declared in Python with the format version 2 types (`Event`,
`Striped<T, N>`, `("Seq", Layout)`): the descriptor and fingerprint are the
`#[atomic_layout]` macro's (checked against the Rust-made `examples/v2_layout.rs`
segment), and a segment Python creates is opened by Rust's typed `Segment::<Board>`."""
import subprocess

import pytest

from shm_atomics import Layout, Segment

POSE = Layout("Pose", [("x", "u64"), ("y", "u64"), ("z", "u64", 2), ("tag", "u32")])
LINK = Layout("Link", [("rx", "u64"), ("hist", "u16", 4)])
BOARD = Layout("Board", [
    ("hits", "Striped<u64, 8>"),
    ("ready", "Event"),
    ("tokens", "u32"),
    ("word", "u32"),
    ("pose", ("Seq", POSE)),
    ("total", "u64"),
    ("links", LINK, 2),
])


def rust(exe, *args):
    r = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"v2_layout {' '.join(args)} failed: {r.stderr}"
    return r.stdout.strip()


def test_the_descriptor_and_fingerprint_are_the_macros(v2_layout, tmp_path):
    path = str(tmp_path / "rust-made")
    rust(v2_layout, "make", path)
    with Segment.open(path) as seg:
        assert seg.info.fingerprint == BOARD.fingerprint
        assert seg.layout.encode() == BOARD.encode()
        assert seg.layout == BOARD
    kinds = {f.name: f.kind for f in BOARD.fields}
    assert (kinds["hits"], kinds["ready"], kinds["pose"]) == ("striped", "event", "seq")


def test_rust_opens_a_segment_python_declared_and_created(v2_layout, tmp_path):
    path = str(tmp_path / "python-made")
    with Segment.create(path, BOARD) as seg:
        seg["tokens"].store(3)
        seg["total"].store(5)
        seg["hits"].add(7)
        assert seg.info.version == 2
    rust(v2_layout, "write", path, "10")  # Segment::<Board>::open checks the fingerprint
    assert rust(v2_layout, "check", path) == (
        "hits=7 ready=0 tokens=3 word=0 pose.x=10 total=5")
    with Segment.open(path) as seg:
        assert seg["pose"].read() == {"x": 10, "y": 10, "z": [10, 10], "tag": 10}


@pytest.mark.parametrize("ty, message", [
    ("Striped<u16, 4>", "no striped cell type"),
    ("Striped<u64, 0>", "cell count"),
    ("Striped<u64>", "is not Striped<T, N>"),
    ("Seq<Pose>", r'\("Seq", layout\)'),
])
def test_malformed_version_2_types_say_how_to_write_them(ty, message):
    with pytest.raises(ValueError, match=message):
        Layout("Bad", [("f", ty)])


def test_a_seq_tuple_needs_a_layout():
    with pytest.raises(TypeError, match=r'\("Seq", Layout\)'):
        Layout("Bad", [("f", ("Seq", "u64"))])
    with pytest.raises(TypeError, match=r'\("Seq", Layout\)'):
        Layout("Bad", [("f", ("Seqq", POSE))])

