"""`Segment.snapshot()` reads each `Seq` record through the record's protocol, as Rust's
typed `snapshot()` does: whole records while a writer runs, and a writer that died in the
middle of a write (or left the record torn) reported as `is_whole == False`, never as a
whole record and never as an error. Against a Rust-made segment
(`examples/v2_layout.rs`), with real processes."""
import mmap
import os
import signal
import struct
import subprocess
import sys

import pytest

from shm_atomics import Segment, SegmentError, SeqSnapshot

from conftest import run_rust

TORN = 1 << 31  # the sequence word's torn bit (docs/FORMAT.md, the sequence word)


@pytest.fixture
def board(v2_layout, tmp_path) -> str:
    p = str(tmp_path / "board")
    run_rust(v2_layout, "make", p)
    return p


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                       capture_output=True, text=True, timeout=60, check=True)
    return int(p.stdout)


def set_word(path: str, word: int) -> None:
    """Stores `word` as the `pose` record's sequence word, through the file (this test is
    the only process using the segment then)."""
    with Segment.open_readonly(path) as s:
        at = s.info.payload_offset + next(f for f in s.fields if f.name == "pose").offset
    with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        struct.pack_into("<Q", m, at, word)


def is_one_write(r: dict) -> bool:
    """Whether a `Pose` holds one write of examples/v2_layout.rs (all fields equal)."""
    x = r["x"]
    return r["y"] == x and r["z"] == [x, x] and r["tag"] == x & 0xFFFFFFFF


def test_snapshot_is_whole_while_rust_writes(board, v2_layout):
    # Proves every record a snapshot reports as whole is one write while Rust writes.
    writer = subprocess.Popen([v2_layout, "write", board, "200000"])
    snaps, last = 0, 0
    try:
        with Segment.open_readonly(board) as s:
            while True:
                done = writer.poll() is not None
                pose = s.snapshot()["pose"]
                assert isinstance(pose, SeqSnapshot)
                assert pose.is_whole and pose.seq % 2 == 0, pose
                assert is_one_write(pose), pose
                assert pose["x"] >= last
                last = pose["x"]
                snaps += 1
                if done:
                    break
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert last == 200000 and snaps > 0


def test_snapshot_reports_a_dead_writer(board, v2_layout):
    # Proves a writer that died mid-write (odd word naming a dead process) is reported
    # as not whole by snapshot() and as an error naming the process by read().
    run_rust(v2_layout, "write", board, "5")
    pid = dead_pid()
    set_word(board, (pid << 32) | 11)           # odd: a write in progress by `pid`
    with Segment.open_readonly(board) as s:
        pose = s.snapshot()["pose"]
        assert not pose.is_whole
        assert pose.seq == (pid << 32) | 11
        assert pose == {"x": 5, "y": 5, "z": [5, 5], "tag": 5}   # the leftovers
        with pytest.raises(SegmentError, match=f"process {pid}"):
            s["pose"].read()


def test_snapshot_reports_a_torn_record(board, v2_layout):
    # Proves a torn record (even word with the torn bit) is not reported as whole.
    run_rust(v2_layout, "write", board, "3")
    pid = dead_pid()
    set_word(board, (pid << 32) | TORN | 12)
    with Segment.open_readonly(board) as s:
        pose = s.snapshot()["pose"]
        assert not pose.is_whole and pose.seq & TORN
        assert pose["x"] == 3
        with pytest.raises(SegmentError, match="torn"):
            s["pose"].read()
    # A whole write repairs it.
    run_rust(v2_layout, "write", board, "4")
    with Segment.open_readonly(board) as s:
        pose = s.snapshot()["pose"]
        assert pose.is_whole and pose["x"] == 4


def test_snapshot_after_sigkill_is_never_a_mixed_whole_record(board, v2_layout):
    # Proves that after a writer is SIGKILLed at an arbitrary point, the snapshot is
    # either one whole write or reported as not whole: never a mix reported as whole.
    for _ in range(5):
        writer = subprocess.Popen([v2_layout, "write", board, "100000000"])
        with Segment.open_readonly(board) as s:
            while s["pose.x"].load() == 0:        # the writer has started
                assert writer.poll() is None, "the writer exited early"
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=60)
        with Segment.open_readonly(board) as s:
            pose = s.snapshot()["pose"]
            assert not pose.is_whole or is_one_write(pose), pose
