"""Segment format version 2 fields from Python (Event, Striped, Seq) and blocking waits
on 32-bit values, against a Rust-made segment (`examples/v2_layout.rs`), with real
processes and exact totals; and atomos' classes on segment fields."""
import subprocess
import sys
import threading

import pytest

import shm_atomics as atomics
from shm_atomics import Layout, Segment
from shm_atomics.atomos import atomic
from shm_atomics.exc import UnsupportedOperationException, UnsupportedWidthException

from conftest import run_rust


def spawn(code: str, *args: str) -> subprocess.Popen:
    """A Python child process running `code` with `sys.argv[1:] == args`."""
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(p: subprocess.Popen) -> str:
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, f"child failed: {err}"
    return out.strip()


@pytest.fixture
def board(v2_layout, tmp_path) -> str:
    p = str(tmp_path / "board")
    run_rust(v2_layout, "make", p)
    return p


# --- Event ---

WAITER = """
import sys
from shm_atomics import Segment
n = int(sys.argv[2])
with Segment.open(sys.argv[1]) as s:
    ev, tokens, total = s["ready"], s["tokens"], s["total"]
    got = 0
    def take():
        global got
        while True:
            t = tokens.load()
            if t == 0:
                return total.load() >= n
            if tokens.cmpxchg_strong(expected=t, desired=t - 1):
                got += 1
                total.inc()
                return True
    while total.load() < n:
        assert ev.wait_until(take, timeout=120), "never woken"
    print(got)
"""

NOTIFIER = """
import sys
from shm_atomics import Segment
with Segment.open(sys.argv[1]) as s:
    for _ in range(int(sys.argv[2])):
        s["tokens"].fetch_add(1)
        s["ready"].notify_one()
"""


@pytest.mark.parametrize("notifier", ["rust", "python"])
def test_event_waiters_take_one_token_per_notify_one(board, v2_layout, notifier):
    # Proves Event.wait_until from Python processes works with a Rust or Python
    # notifier in another process: every notify_one (after adding one token) lets
    # exactly one waiter take one token, so the waiters' counts sum to the notifications
    # and no token is left (before this change an Event field raised NotImplementedError).
    n = 2000
    waiters = [spawn(WAITER, board, str(n)) for _ in range(2)]
    if notifier == "rust":
        run_rust(v2_layout, "notify", board, str(n))
    else:
        finish(spawn(NOTIFIER, board, str(n)))
    counts = [int(finish(w)) for w in waiters]
    assert sum(counts) == n
    with Segment.open(board) as s:
        assert s["tokens"].load() == 0
        assert s["total"].load() == n
        assert s["ready"].generation == n


def test_event_wait_until_timeout_and_errors(board):
    with Segment.open(board) as s:
        ev = s["ready"]
        assert ev.wait_until(lambda: False, timeout=0.01) is False
        assert ev.wait_until(lambda: True) is True
        with pytest.raises(ZeroDivisionError):
            ev.wait_until(lambda: 1 / 0)
        with pytest.raises(ValueError, match="timeout"):
            ev.wait_until(lambda: True, timeout=-1)
        ev.notify_all()
        assert repr(ev) == "Event(generation=1)"
    with pytest.raises(ValueError, match="closed"):
        ev.generation
    with Segment.open_readonly(board) as s:
        assert s["ready"].generation == 1
        with pytest.raises(PermissionError, match="read-only"):
            s["ready"].notify_one()


def test_event_wakes_a_thread_of_this_process(board):
    # The GIL is released while waiting: another thread of this process notifies.
    with Segment.open(board) as s:
        ev, word = s["ready"], s["word"]

        def notify():
            word.store(7)
            ev.notify_all()

        t = threading.Thread(target=notify)
        t.start()
        assert ev.wait_until(lambda: word.load() == 7, timeout=60)
        t.join()


# --- wait / notify on 32-bit values ---

WORD_WAITER = """
import sys
from shm_atomics import Segment
with Segment.open(sys.argv[1]) as s:
    print(s["word"].wait(0, timeout=120), s["word"].load())
"""


def test_word_wait_woken_by_rust(board, v2_layout):
    # Proves a Python process blocked in wait() on a u32 field returns once a Rust
    # process stores and notifies (wait did not exist before).
    w = spawn(WORD_WAITER, board)
    run_rust(v2_layout, "wake", board)
    assert finish(w) == "True 1"


def test_wait_in_process_and_errors(board):
    a = atomics.atomic(width=4, atype=atomics.INT)
    assert a.wait(1) is True            # not equal: returns at once
    assert a.wait(0, timeout=0.01) is False

    def later():
        a.store(-3)
        a.notify_all()

    t = threading.Thread(target=later)
    t.start()
    assert a.wait(0, timeout=60) is True
    t.join()
    assert a.load() == -3
    f = atomics.atomic(width=4, atype=atomics.FLOAT)
    assert f.wait(0.0, timeout=0.0) is False
    assert f.wait(1.5) is True
    with pytest.raises(UnsupportedWidthException):
        atomics.atomic(width=8, atype=atomics.UINT).wait(0, timeout=0)
    with pytest.raises(OverflowError):
        atomics.atomic(width=4, atype=atomics.UINT).wait(-1)
    assert isinstance(a.notify_one(), (int, type(None)))
    s = Segment.open(board)
    word = s["word"]
    s.close()
    with pytest.raises(ValueError, match="closed"):
        word.wait(0)
    with pytest.raises(ValueError, match="closed"):
        word.notify_all()


def test_close_during_wait_keeps_memory_until_it_returns(board):
    # A wait in progress pins the mapping: close() from another thread does not unmap
    # it under the waiter (which would crash the process). The waiter either pinned
    # first (waits safely until its timeout: False) or saw the close (ValueError).
    s = Segment.open(board)
    word = s["word"]
    out = []

    def waiter():
        try:
            out.append(word.wait(0, timeout=0.3))
        except ValueError as e:
            out.append(e)

    t = threading.Thread(target=waiter)
    t.start()
    s.close()
    t.join()
    assert out[0] is False or isinstance(out[0], ValueError)
    with pytest.raises(ValueError):
        word.load()


# --- Striped ---

ADDER = """
import sys
from shm_atomics import Segment
with Segment.open(sys.argv[1]) as s:
    h = s["hits"]
    for _ in range(int(sys.argv[2])):
        h.inc()
    h.add(5)
"""


def test_striped_adds_from_two_processes(board, v2_layout):
    # Proves Striped.add/inc from two Python processes sum exactly, and that Rust reads
    # the same sum (a Striped field raised NotImplementedError before).
    n = 20000
    procs = [spawn(ADDER, board, str(n)) for _ in range(2)]
    for p in procs:
        finish(p)
    with Segment.open(board) as s:
        h = s["hits"]
        assert h.load() == 2 * (n + 5)
        assert len(h.cells()) == len(h) == 8
        assert sum(h.cells()) == 2 * (n + 5)
        assert s["hits[0]"].load() == h.cells()[0]   # one cell by path
        with pytest.raises(OverflowError):
            h.add(-1)                                  # u64 counter
        assert s.snapshot()["hits"] == 2 * (n + 5)
    assert f"hits={2 * (n + 5)} " in run_rust(v2_layout, "check", board)


# --- Seq ---

def test_seq_record_read_while_rust_writes(board, v2_layout):
    # Proves Seq.read() gives whole records while a Rust process writes records whose
    # fields are all equal: no read ever mixes two writes, and the values never go back.
    writer = subprocess.Popen([v2_layout, "write", board, "300000"])
    reads, last = 0, 0
    with Segment.open(board) as s:
        pose = s["pose"]
        while True:
            done = writer.poll() is not None
            r = pose.read()
            assert r["y"] == r["x"] and r["z"] == [r["x"], r["x"]], r
            assert r["tag"] == r["x"] & 0xFFFFFFFF, r
            assert r["x"] >= last
            last = r["x"]
            reads += 1
            if done:
                break
        assert writer.returncode == 0
        assert last == 300000
        assert s["pose.x"].load() == 300000          # one field by path
        with pytest.raises(UnsupportedOperationException):
            s["pose.x"].store(1)                     # a store would bypass the sequence
        snap = s.snapshot()
        assert snap["pose"] == {"x": 300000, "y": 300000, "z": [300000, 300000],
                                "tag": 300000}
        assert snap["ready"] == 0 and snap["hits"] == 0
        assert pose.layout.name == "Pose"
    assert reads > 0


# --- atomos on segment fields ---

ATOMOS_LAYOUT = Layout("Counters", [("hits", "i64"), ("small", "i32"), ("big", "u64"),
                                    ("ratio", "f64"), ("half", "f32"), ("on", "bool")])

ATOMOS_WORKER = """
import sys
from shm_atomics import Segment
from shm_atomics.atomos.atomic import AtomicLong, AtomicInteger
with Segment.open(sys.argv[1]) as s:
    hits, small = AtomicLong.on(s, "hits"), AtomicInteger.on(s, "small")
    for _ in range(int(sys.argv[2])):
        hits.add_and_get(1)
        small.get_and_add(2)
"""


def test_atomos_on_segment_two_processes(tmp_path):
    # Proves atomos' classes work in place on a segment field across processes with
    # exact totals (before, atomos objects could only live in owned memory or a buffer).
    p = str(tmp_path / "c")
    Segment.create(p, ATOMOS_LAYOUT).close()
    n = 20000
    procs = [spawn(ATOMOS_WORKER, p, str(n)) for _ in range(2)]
    for w in procs:
        finish(w)
    with Segment.open(p) as s:
        assert s["hits"].load() == 2 * n
        assert atomic.AtomicLong.on(s, "hits").get() == 2 * n
        assert atomic.AtomicInteger.on(s, "small").get() == 4 * n


def test_atomos_on_segment_checks_and_lifetime(tmp_path):
    p = str(tmp_path / "c")
    s = Segment.create(p, ATOMOS_LAYOUT)
    big = atomic.AtomicLong.on(s, "big")          # u64 is an 8-byte integer too
    big.set(2**63)
    assert s["big"].load() == 2**63
    f = atomic.AtomicFloat.on(s, "ratio")
    assert f.add_and_get(0.5) == 0.5
    b = atomic.AtomicBoolean.on(s, "on")
    assert b.compare_and_set(False, True) and s["on"].load() is True
    for cls, field in [(atomic.AtomicLong, "small"), (atomic.AtomicInteger, "hits"),
                       (atomic.AtomicFloat, "half"), (atomic.AtomicFloat, "hits"),
                       (atomic.AtomicBoolean, "small"), (atomic.AtomicLong, "ratio")]:
        with pytest.raises(TypeError, match=f"field `{field}` is"):
            cls.on(s, field)
    with pytest.raises(KeyError):
        atomic.AtomicLong.on(s, "nope")
    with pytest.raises(TypeError, match="Segment"):
        atomic.AtomicLong.on(object(), "hits")
    h = atomic.AtomicLong.on(s, "hits")
    del s                                           # the object keeps the mapping
    assert h.add_and_get(3) == 3
    s = Segment.open(p)
    h2 = atomic.AtomicLong.on(s, "hits")
    s.close()
    with pytest.raises(ValueError, match="closed"):
        h2.get()
    with Segment.open_readonly(p) as ro:
        r = atomic.AtomicLong.on(ro, "hits")
        assert r.get() == 3 and r.readonly
        with pytest.raises(UnsupportedOperationException):
            r.set(1)


def test_atomos_on_v2_fields_refused(board):
    with Segment.open(board) as s:
        with pytest.raises(TypeError, match="not a value"):
            atomic.AtomicInteger.on(s, "ready")
        with pytest.raises(TypeError, match="not a value"):
            atomic.AtomicLong.on(s, "hits")
        assert atomic.AtomicInteger.on(s, "tokens").get() == 0   # u32 word
