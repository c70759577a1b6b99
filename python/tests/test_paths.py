"""The shared field-path table (tests/paths.txt) against the Python package: every path
resolves to what the table says, or fails with the table's class of `PathError` and the
same words as the Rust library prints through `shma get` (tests/paths.rs checks Rust and
`shma` against the same table). Python parses no path: `seg[path]` is one call of the
runtime's resolver."""
import os
import shutil
import subprocess
from pathlib import Path
from typing import List, NamedTuple, Optional

import pytest

from shm_atomics import (ANY, Event, FieldArray, FieldGroup, PathError, Segment, SeqRecord,
                         Striped)
from shm_atomics.exc import UnsupportedOperationException

from conftest import ROOT, run_rust

TARGETS = {"value": ANY, "event": Event, "striped": Striped, "record": SeqRecord,
           "layout": FieldGroup, "array": FieldArray}


class Case(NamedTuple):
    path: str
    ok: bool
    what: str                 # the target (ok) or the error class (err)
    record: Optional[str]     # the record an ok path is inside


def table() -> List[Case]:
    cases = []
    text = (ROOT / "tests" / "paths.txt").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) == 4 and cols[1] == "ok":
            cases.append(Case(cols[0], True, cols[2], None if cols[3] == "-" else cols[3]))
        elif len(cols) == 3 and cols[1] == "err":
            cases.append(Case(cols[0], False, cols[2], None))
        else:
            raise AssertionError(f"tests/paths.txt:{n}: bad line {line!r}")
    assert len(cases) >= 50, f"the table lost lines: {len(cases)}"
    return cases


CASES = table()


@pytest.fixture(scope="module")
def shma() -> str:
    """The `shma` binary (built with cargo; never skipped)."""
    cargo = shutil.which("cargo")
    assert cargo, "cargo is needed to build shma (install Rust)"
    subprocess.run([cargo, "build", "--quiet", "--features", "cli", "--bin", "shma"],
                   cwd=ROOT, check=True, timeout=1800)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    exe = target / "debug" / "shma"
    assert exe.exists(), f"{exe} was not built"
    return str(exe)


@pytest.fixture(scope="module")
def board(v2_layout, tmp_path_factory) -> str:
    p = str(tmp_path_factory.mktemp("paths") / "board")
    run_rust(v2_layout, "make", p)
    return p


@pytest.mark.parametrize("case", CASES, ids=[repr(c.path) for c in CASES])
def test_the_table_holds_for_python(board, case):
    with Segment.open(board) as s:
        if not case.ok:
            with pytest.raises(PathError) as e:
                s[case.path]
            assert e.value.kind == case.what, str(e.value)
            assert isinstance(e.value, KeyError) and e.value.path == case.path[:4096]
            assert case.path not in s
            return
        obj = s[case.path]
        assert isinstance(obj, TARGETS[case.what]), (case, obj)
        assert case.path in s
        if case.record is not None and case.what == "value":
            # A value inside a record: read-only, and the refusal says how to write.
            assert obj.readonly
            obj.load()
            with pytest.raises(UnsupportedOperationException) as e:
                obj.store(0)
            assert f'seg["{case.record}"].write(' in str(e.value), str(e.value)
        elif case.what == "value":
            assert not obj.readonly


def test_python_says_what_rust_says(board, shma):
    # Proves a refused path gives the same words from Python as from Rust (through
    # `shma get`, which prints the library's message).
    bad = [c for c in CASES if not c.ok]
    assert bad
    with Segment.open_readonly(board) as s:
        for c in bad:
            r = subprocess.run([shma, "get", board, c.path], capture_output=True, text=True,
                               timeout=60)
            assert r.returncode != 0, c
            with pytest.raises(PathError) as e:
                s[c.path]
            assert r.stderr == f"shma: {e.value}\n", c


def test_records_are_written_whole(board, v2_layout):
    with Segment.open(board) as s:
        pose = s["pose"]
        pose.write({"x": 7, "y": 7, "z": [7, 7], "tag": 7})
        assert pose.read() == {"x": 7, "y": 7, "z": [7, 7], "tag": 7}
        pose.update({"tag": 9, "z": [8, 8]})
        assert pose.read() == {"x": 7, "y": 7, "z": [8, 8], "tag": 9}
        assert "pose.x=7" in run_rust(v2_layout, "check", board)   # Rust reads it whole
        with pytest.raises(KeyError, match="missing"):
            pose.write({"x": 1})                   # write() takes every value
        with pytest.raises(KeyError, match="no field `w`"):
            pose.update({"w": 1})
        with pytest.raises(TypeError, match="list of 2"):
            pose.update({"z": [1]})
        assert pose.read()["x"] == 7               # nothing was published
        snap = s.snapshot()["pose"]
        assert snap.is_whole and snap == {"x": 7, "y": 7, "z": [8, 8], "tag": 9}
    with Segment.open_readonly(board) as ro:
        with pytest.raises(PermissionError, match="read-only"):
            ro["pose"].write({"x": 1, "y": 1, "z": [1, 1], "tag": 1})
