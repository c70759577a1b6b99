"""Layouts declared in Python with the format version 2 types (`Event`,
`Striped<T, N>`, `("Seq", Layout)`): the descriptor and fingerprint are the
`#[atomic_layout]` macro's (checked against the Rust-made `examples/v2_layout.rs`
segment), and a segment Python creates is opened by Rust's typed `Segment::<Board>`;
whole `Seq` records written and updated by Python processes are read by Rust, and the
other way round."""
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


# --- whole records written from Python ---

UPDATER = """
import sys
from shm_atomics import Segment
def bump(r):
    n = r["x"] + 1
    return {"x": n, "y": n, "z": [n, n], "tag": n}
with Segment.open(sys.argv[1]) as s:
    for _ in range(int(sys.argv[2])):
        s["pose"].update(bump)
"""


def test_python_writes_and_updates_whole_records_rust_reads_them(v2_layout, tmp_path):
    import sys
    path = str(tmp_path / "records")
    Segment.create(path, BOARD).close()
    with Segment.open(path) as seg:
        rec = seg["pose"]
        rec.write({"x": 5, "y": 5, "z": [5, 5], "tag": 5})
        assert rust(v2_layout, "check", path).endswith("pose.x=5 total=0")
        procs = [subprocess.Popen([sys.executable, "-c", UPDATER, path, "1000"])
                 for _ in range(2)]
        for p in procs:
            assert p.wait(timeout=120) == 0
        assert rec.read() == {"x": 2005, "y": 2005, "z": [2005, 2005], "tag": 2005}
        assert rust(v2_layout, "check", path).endswith("pose.x=2005 total=0")
        rust(v2_layout, "write", path, "7")  # Rust's writes after Python's
        assert rec.update(lambda r: {"tag": r["x"] * 2}) > 0
        assert rec.read() == {"x": 7, "y": 7, "z": [7, 7], "tag": 14}


def test_record_writes_refuse_bad_values_and_publish_nothing(tmp_path):
    with Segment.create(str(tmp_path / "bad"), BOARD) as seg:
        rec = seg["pose"]
        rec.write({"x": 1, "y": 1, "z": [1, 1], "tag": 1})
        with pytest.raises(ValueError, match="field `tag` is missing"):
            rec.write({"x": 2, "y": 2, "z": [2, 2]})
        with pytest.raises(ValueError, match="no field `w`"):
            rec.update(lambda r: {"w": 1})
        with pytest.raises(ValueError, match="list of 2, not 3"):
            rec.write({"x": 2, "y": 2, "z": [2, 2, 2], "tag": 2})
        with pytest.raises(TypeError, match="needs an int"):
            rec.write({"x": "2", "y": 2, "z": [2, 2], "tag": 2})
        with pytest.raises(ValueError, match="tag"):
            rec.update(lambda r: {"tag": 1 << 40})  # u32
        with pytest.raises(ZeroDivisionError):
            rec.update(lambda r: {"x": 1 // 0})
        assert rec.read() == {"x": 1, "y": 1, "z": [1, 1], "tag": 1}
        assert rec.update(lambda r: {"x": 3}) > 0  # the record is usable afterwards
        assert rec.read()["x"] == 3
