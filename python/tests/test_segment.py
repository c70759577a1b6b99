"""Segments from Python (issue 15, section 3): layouts declared in Python equal
`#[atomic_layout]`'s, Rust opens Python-made segments with its typed layout, Python reads
and updates Rust-made ones by field name, and every error path."""
import gc
import os
import subprocess
import sys
import textwrap

import pytest

import shm_atomics as atomics
from shm_atomics import Field, Layout, Segment, SegmentError
from shm_atomics.exc import UnsupportedOperationException

from conftest import run_rust
from layouts import ALL, FLAGS, MIXED, NET, STATS, WIDE


@pytest.mark.parametrize("name", sorted(ALL))
def test_layout_equals_the_macros(open_layout, name):
    # Proves: a Python layout has the descriptor bytes and fingerprint the macro gives.
    hex_desc, fp = run_rust(open_layout, "desc", name).split()
    assert ALL[name].encode().hex() == hex_desc
    assert ALL[name].fingerprint == int(fp, 16)


def test_layout_geometry():
    assert (STATS.size, STATS.align) == (128, 128)
    f = {x.name: x for x in STATS.fields}
    assert (f["net"].offset, f["net"].kind, f["net"].nested) == (8, "layout", NET)
    assert (f["latency_us"].offset, f["latency_us"].array_len, f["latency_us"].width) == (24, 8, 4)
    assert (f["flag"].offset, f["flag"].align) == (64, 64)
    assert f["links"].type == "[Net; 3]"


def test_rust_opens_python_made_segments(open_layout, tmp_path):
    # Proves: Segment::<L>::open accepts Python-made segments, and Python's writes are at
    # the offsets Rust reads.
    p = tmp_path / "stats"
    with Segment.create(p, STATS) as s:
        s["hits"].store(7)
        s["net.rx"].store(1500)
        s["latency_us"][3].store(33)
        s["flag"].store(True)
        s["links[2].tx"].store(99)
        s["small"].store(-5)
    assert run_rust(open_layout, "check", "Stats", str(p)) == \
        "hits=7 net.rx=1500 latency_us[3]=33 flag=true links[2].tx=99 small=-5"

    p = tmp_path / "wide"
    with Segment.create(p, WIDE) as s:
        s["tag"].store(1)
        if atomics.is_lock_free(16):
            s["both"].store(1 << 100)
            s["id"].store(bytes(range(16)))
            s["pair"][1].store(-(1 << 90))
    out = run_rust(open_layout, "check", "Wide", str(p))
    if atomics.is_lock_free(16):
        assert out == f"tag=1 both={1 << 100} id={list(range(16))} pair[1]={-(1 << 90)}"

    p = tmp_path / "flags"
    with Segment.create(p, FLAGS) as s:
        s["on"].store(True)
        s["bits"][6].store(True)
        s["ratio"].store(0.5)
        s["temps[1]"].store(-2.25)
        s["tag"].store(b"abcd")
        s["delta"].store(-3)
    assert run_rust(open_layout, "check", "Flags", str(p)) == \
        "on=true bits[6]=true ratio=0.5 temps[1]=-2.25 tag=[97, 98, 99, 100] delta=-3"

    p = tmp_path / "net"
    Segment.create(p, NET).close()
    assert run_rust(open_layout, "check", "Net", str(p)) == "rx=0 tx=0 up=false"


def test_python_updates_rust_made_segment(open_layout, tmp_path):
    p = str(tmp_path / "made_by_rust")
    run_rust(open_layout, "make", p)
    with Segment.open(p) as s:
        assert s.info.layout == "Stats"
        assert s.info.fingerprint == STATS.fingerprint
        assert s.info.creator_pid != os.getpid()
        assert s.info.version == 1 and s.info.size == STATS.size
        assert s.layout == STATS
        assert [f.name for f in s.fields] == ["hits", "net", "latency_us", "flag", "links", "small"]
        hits = s["hits"]
        assert isinstance(hits, atomics.UINT) and type(hits).__name__ == "AtomicUintView"
        assert hits.load() == 42 and hits.width == 8
        assert s["net.rx"].load() == 1500
        assert s["net"]["tx"].load() == 7
        assert [x.load() for x in s["latency_us"]] == [0, 10, 20, 30, 40, 50, 60, 70]
        assert s["latency_us"][3].load() == s["latency_us[3]"].load() == 30
        assert s["latency_us"][-1].load() == 70
        assert s["small"].load() == -5 and s["small"].signed
        hits.fetch_add(8)
        s["links"][2]["tx"].inc()
        snap = s.snapshot()
        assert snap["hits"] == 50
        assert snap["net"] == {"rx": 1500, "tx": 7, "up": True}
        assert snap["latency_us"] == [0, 10, 20, 30, 40, 50, 60, 70]
        assert snap["links"][2] == {"rx": 0, "tx": 100, "up": False}
        assert snap["flag"] is True
    assert run_rust(open_layout, "check", "Stats", p).startswith("hits=50 ")


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        Segment.open(tmp_path / "missing")
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a segment" * 100)
    with pytest.raises(SegmentError):
        Segment.open(junk)
    with pytest.raises(SegmentError):
        Segment.open(tmp_path)  # a directory
    p = tmp_path / "s"
    seg = Segment.create(p, NET)
    with pytest.raises(FileExistsError):
        Segment.create(p, NET)
    assert Segment.create(p, NET, exist_ok=True).layout == NET
    with pytest.raises(SegmentError, match="exists with layout `Net`"):
        Segment.create(p, MIXED, exist_ok=True)
    with pytest.raises(KeyError):
        seg["nope"]
    with pytest.raises(KeyError):
        seg["rx.x"]
    with pytest.raises(IndexError):
        Segment.create(tmp_path / "st", STATS)["latency_us"][8]
    with pytest.raises(SegmentError):
        Segment.create(tmp_path / "mode", NET, mode=0o1777)
    assert not os.path.exists(tmp_path / "mode")
    seg.close()


def test_untrusted_owner_and_mode(tmp_path):
    p = tmp_path / "shared"
    Segment.create(p, NET, mode=0o600).close()
    os.chmod(p, 0o660)
    with pytest.raises(PermissionError, match="group"):
        Segment.open(p)
    Segment.open(p, allow_group_write=True).close()
    os.chmod(p, 0o600)
    if os.geteuid() == 0:
        os.chown(p, 12345, -1)
        with pytest.raises(PermissionError):
            Segment.open(p)
        Segment.open(p, allow_owner=12345).close()
        Segment.open_readonly(p, allow_any_owner=True).close()
    else:
        pytest.skip("chown to another owner needs root (CI runs as root); the mode check ran")


def test_readonly(tmp_path):
    p = tmp_path / "ro"
    Segment.create(p, STATS).close()
    with Segment.open_readonly(p) as s:
        assert s.readonly and s["hits"].readonly
        assert s["hits"].load() == 0
        with pytest.raises(UnsupportedOperationException):
            s["hits"].store(1)
        with pytest.raises(UnsupportedOperationException):
            s["net.rx"].fetch_add(1)


def test_close_and_lifetime(tmp_path):
    p = tmp_path / "life"
    with Segment.create(p, STATS) as s:
        hits = s["hits"]
        arr = s["latency_us"]
        hits.store(5)
    assert s.closed
    # Proves: objects made from a closed segment raise instead of touching unmapped memory.
    for call in (hits.load, lambda: hits.store(1), hits.inc, lambda: arr[0], lambda: s.info,
                 s.snapshot, s.check, lambda: s["hits"]):
        with pytest.raises(ValueError):
            call()
    s.close()  # idempotent
    # An object keeps the mapping alive when the segment object itself goes away.
    s2 = Segment.open(p)
    h2 = s2["hits"]
    del s2
    gc.collect()
    assert h2.load() == 5
    h2.inc()
    assert Segment.open(p)["hits"].load() == 6


def test_bare_names_and_list(tmp_path):
    name = f"py2-test-{os.getpid()}"
    seg = Segment.create(name, MIXED)
    try:
        assert seg.path == os.path.join(Segment.default_dir(), name)
        assert Segment.open(name)["hits"].load() == 0
        assert any(i.path == seg.path and i.layout == "Mixed" for i in Segment.list())
    finally:
        seg.close()
        os.unlink(os.path.join(Segment.default_dir(), name))
    Segment.create(tmp_path / "b", NET).close()
    Segment.create(tmp_path / "a", MIXED).close()
    (tmp_path / "junk").write_bytes(b"x" * 10)
    assert [(os.path.basename(i.path), i.layout) for i in Segment.list(tmp_path)] == \
        [("a", "Mixed"), ("b", "Net")]


def test_v2_fields_usable_and_declarable(open_layout, tmp_path):
    # Proves an Event field of a Rust-made version 2 segment is usable from Python (it
    # raised NotImplementedError before), and `Layout` declares one (it refused before;
    # the macro's descriptors: test_layout_v2_declared.py).
    p = str(tmp_path / "v2")
    run_rust(open_layout, "make-v2", p)
    with Segment.open(p) as s:
        assert s.info.version == 2
        assert s["hits"].load() == 0
        assert [f.kind for f in s.fields] == ["uint", "event"]
        assert s["ready"].generation == 0
        s["ready"].notify_all()
        assert s.snapshot() == {"hits": 0, "ready": 1}
    assert [f.kind for f in Layout("W", [("ready", "Event")]).fields] == ["event"]


def test_layout_refusals():
    with pytest.raises(ValueError, match="at least one field"):
        Layout("E", [])
    with pytest.raises(ValueError, match="below the natural alignment"):
        Layout("A", [Field("x", "u64", align=4)])
    with pytest.raises(ValueError, match="power of two"):
        Layout("A", [("x", "u64")], align=48)
    with pytest.raises(ValueError, match="unknown type"):
        Layout("A", [("x", "u63")])
    with pytest.raises(ValueError, match="cannot be 3 bytes"):
        Layout("A", [("x", "[u8; 3]")])
    with pytest.raises(ValueError):
        Layout("A", [("1x", "u8")])  # not a C identifier
    with pytest.raises(TypeError):
        Layout("A", ["x"])


def test_truncation_does_not_kill(tmp_path):
    # Proves: a peer's ftruncate under a live mapping is reported by check(), and reading
    # the lost part does not kill the Python process (the runtime's SIGBUS guard).
    p = tmp_path / "trunc"
    Segment.create(p, STATS).close()
    code = textwrap.dedent(f"""
        import os
        from shm_atomics import Segment, SegmentError
        s = Segment.open({str(p)!r})
        s["links[2].tx"].store(9)
        os.truncate({str(p)!r}, 0)
        assert s["links[2].tx"].load() == 0
        s["links[2].tx"].store(3)
        try:
            s.check()
        except SegmentError as e:
            print("shrunk:", e)
        else:
            raise SystemExit("check() did not report the truncation")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "shrunk:" in r.stdout


def _advised(msg):
    """The keyword arguments a trust refusal names, parsed as a user would copy them."""
    import re
    return {k: int(v) if v.isdigit() else v == "True"
            for k, v in re.findall(r"\b(allow_\w+)=(\w+)", msg)}


def test_trust_refusals_name_every_option_needed(tmp_path):
    # Proves (issue 20, item 4): each refusal names every keyword argument that admits the
    # file (Python's names, not Rust's), and following it literally opens the file. Before,
    # a 0666 file advised one Rust call, and with it was refused again.
    cases = [(0o620, None, {"allow_group_write": True}),
             (0o602, None, {"allow_other_write": True}),
             (0o660, None, {"allow_group_write": True}),
             (0o666, None, {"allow_group_write": True, "allow_other_write": True})]
    if os.geteuid() == 0:
        cases.append((0o666, 65534, {"allow_owner": 65534, "allow_group_write": True,
                                     "allow_other_write": True}))
    for i, (mode, owner, needed) in enumerate(cases):
        p = tmp_path / f"case{i}"
        Segment.create(p, NET).close()
        if owner is not None:
            os.chown(p, owner, -1)
        os.chmod(p, mode)
        with pytest.raises(PermissionError) as e:
            Segment.open(p)
        assert "Segment::" not in str(e.value)
        assert _advised(str(e.value)) == needed, str(e.value)
        Segment.open(p, **_advised(str(e.value))).close()
