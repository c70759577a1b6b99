"""Reading live segments, written from docs/FORMAT.md alone (standard library only): the
field paths of §16, consistent copies of Seq records by the reader protocol of §13, and
striped sums by §14. Used by reader.py (`--read-record`, `--sum`), whose decoding of the
file (§2 to §12) it builds on.
"""

from __future__ import annotations

import ctypes
import errno
import mmap
import os
import sys
import time

from reader import Refused, elem_size, open_segment, read_value, seq_record_offset

# ---------------------------------------------------------------- §16: field paths

MAX_PATH = 4096


class PathError(Exception):
    """A path §16 refuses: `kind` is its class (§16.4), `at` the byte where it failed."""

    def __init__(self, kind: str, at: int, message: str):
        super().__init__(message)
        self.kind = kind
        self.at = at


def is_name_start(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z") or c == "_"  # ALPHA is ASCII only


def is_name_char(c: str) -> bool:
    return is_name_start(c) or "0" <= c <= "9"


def path_index(path: str, at: int, n: int, unit: str) -> tuple[int, int]:
    """`[index]` at `at` (§16.1): its value (below `n`) and the position after `]`."""
    close = path.find("]", at + 1)
    if close < 0:
        raise PathError("BadIndex", at, f"an unclosed `[` at byte {at}")
    text = path[at + 1 : close]
    canonical = text == "0" or (text[:1] in "123456789" and text != ""
                                and all("0" <= c <= "9" for c in text))
    if not canonical:
        raise PathError("BadIndex", at, f"index `{text}` is not decimal without a "
                        "sign or a leading zero")
    i = int(text)
    if i >= n:
        raise PathError("OutOfRange", at, f"index {i} is out of range ({n} {unit})")
    return i, close + 1


def locate(desc: dict, path: str) -> dict:
    """§16.2: what `path` names in the layout `desc`: {"offset", "target", "record"}.
    "target" has "what" (value, event, cell, striped, seq, layout, array) and the
    type's details; "record" is the outermost seq record the path is inside (§16.3),
    as {"path", "offset" (of its sequence word), "layout"}, or None."""
    if path == "":
        raise PathError("Empty", 0, "an empty path")
    if len(path.encode("utf-8")) > MAX_PATH:
        raise PathError("TooLong", 0, f"a path is at most {MAX_PATH} bytes")
    layout, base, at, record = desc, 0, 0, None
    while True:
        start = at
        if at >= len(path) or not is_name_start(path[at]):
            raise PathError("BadName", at, f"no field name at byte {at}")
        while at < len(path) and is_name_char(path[at]):
            at += 1
        name = path[start:at]
        f = next((x for x in layout["fields"] if x["name"] == name), None)
        if f is None:
            names = ", ".join(x["name"] for x in layout["fields"])
            raise PathError("UnknownField", start, f"no field `{name}` in "
                            f"{layout['name']} (its fields: {names})")
        ty, off = f["type"], base + f["offset"]
        if f["array_len"] is not None and path.startswith("[", at):
            i, at = path_index(path, at, f["array_len"], "elements")
            off += i * elem_size(ty)
            what = ty["tag"]
        elif f["array_len"] is not None:
            what = "array"
        else:
            what = ty["tag"]
        if what == "striped" and path.startswith("[", at):
            c, at = path_index(path, at, ty["cells"], "cells")
            off += c * ty["stride"]
            what = "cell"
        if at == len(path):
            target = {"what": what}
            if what == "array":
                target["len"] = f["array_len"]
            elif what in ("value", "cell", "striped"):
                target.update(kind=ty["kind"], width=ty["width"])
                if what == "striped":
                    target.update(cells=ty["cells"], stride=ty["stride"])
            elif what == "event":
                target.update(kind="uint", width=4)
            elif what in ("seq", "layout"):
                target["layout"] = ty["layout"]
            return {"offset": off, "target": target, "record": record}
        if path[at] == "[":
            raise PathError("NotIndexable", at, f"`{path[:at]}` takes no index here")
        if path[at] != ".":
            raise PathError("Unexpected", at, f"unexpected `{path[at]}` at byte {at}")
        if what not in ("layout", "seq"):
            raise PathError("NoFields", at, f"`{path[:at]}` ({what}) has no fields")
        if what == "seq":
            if record is None:  # the outermost record the path enters
                record = {"path": path[:at], "offset": off, "layout": ty["layout"]}
            off += seq_record_offset(ty["layout"])
        layout, base, at = ty["layout"], off, at + 1


# ---------------------------------------------------------------- §13: reading records

# The sequence word (§13.1).
SEQ_MASK = 0x7FFF_FFFF
TORN = 1 << 31
SPINS_BEFORE_CHECK = 1024  # §13.4: how often a waiter asks whether the writer lives

# How this reader makes the loads §13.3 asks for, on CPython (3.11, no atomics module):
#
# * One load per value. `memoryview.cast("Q")[0]` (and "B", "H", "I") reads the item in
#   CPython's `unpack_single` with `memcpy(&x, ptr, sizeof x)`, a constant-size copy that
#   the C compiler turns into one load instruction of that width (CPython is built
#   optimised; `struct.unpack_from` with a native "@" format does the same, while "<" and
#   "=" formats assemble bytes one by one and must not be used). Checked on CPython 3.11.7
#   for x86-64: the "Q" case of `memory_item` is `mov (%rdi),%rdi` then a call of
#   `PyLong_FromUnsignedLongLong` (objdump -d libpython3.11.so). Every value is aligned to
#   its width in a page-aligned mapping (§6), and an aligned load of 1, 2, 4 or 8 bytes is
#   single-copy atomic on x86-64 and AArch64: the relaxed atomic load of §13.3. (Even a
#   split load of the sequence word would do: the low half holds the counter and TORN,
#   which is all the comparison needs.) A 16-byte value is read as two 8-byte loads: fine
#   inside a record, whose copy the protocol discards if any write overlapped it.
# * Program order. Each item read is a separate call through the interpreter (a function
#   pointer the C compiler cannot see through), so the compiler keeps them in the order of
#   the Python code.
# * Fences and acquire (§13.3 steps 1 and 3). On x86 (TSO) the processor never reorders a
#   load with an earlier load, so plain loads are acquire loads and the acquire fence is a
#   no-op. Elsewhere this reader issues a full barrier by the membarrier system call
#   (ctypes): the kernel executes smp_mb() on entry and exit of
#   MEMBARRIER_CMD_PRIVATE_EXPEDITED in the calling thread. Where neither holds it refuses
#   to read records rather than read them without the fence.
SYS_MEMBARRIER = {"x86_64": 324, "aarch64": 283, "arm64": 283, "riscv64": 283}
MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3
MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4
LOAD_FORMAT = {1: "B", 2: "H", 4: "I", 8: "Q"}


def make_fence(mode: str):
    """The acquire fence of §13.3 (and the acquire of the first load): a callable."""
    if mode not in ("auto", "membarrier"):
        raise Refused("Usage", f"--fence {mode}: auto or membarrier")
    machine = os.uname().machine.lower()
    if mode == "auto" and machine in ("x86_64", "amd64", "i386", "i686"):
        return lambda: None
    nr = SYS_MEMBARRIER.get(machine)
    if nr is None:
        raise Refused("NoFence", f"no memory fence for records on {machine}")
    libc = ctypes.CDLL(None, use_errno=True)
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    if syscall(ctypes.c_long(nr), ctypes.c_int(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED),
               ctypes.c_uint(0), ctypes.c_int(0)) != 0:
        raise Refused("NoFence", f"membarrier: {os.strerror(ctypes.get_errno())}")

    def fence() -> None:
        syscall(ctypes.c_long(nr), ctypes.c_int(MEMBARRIER_CMD_PRIVATE_EXPEDITED),
                ctypes.c_uint(0), ctypes.c_int(0))

    return fence


class Loads:
    """Single loads of aligned values of a mapping, through memoryview casts."""

    def __init__(self, m: mmap.mmap, base: int):
        self.mv = memoryview(m)
        self.base = base
        self.views: list[memoryview] = []

    def loader(self, off: int, width: int):
        """A callable returning the raw bytes of the value at payload offset `off`."""
        at = self.base + off
        if width == 16:
            lo, hi = self.loader(off, 8), self.loader(off + 8, 8)
            return lambda: lo() + hi()
        piece = self.mv[at : at + width]
        view = piece.cast(LOAD_FORMAT[width])
        self.views += [view, piece]
        order = sys.byteorder
        return lambda: view[0].to_bytes(width, order)

    def release(self) -> None:
        for v in self.views:
            v.release()
        self.mv.release()


def pid_alive(pid: int) -> bool:
    """§13.4: dead only when kill(pid, 0) fails with ESRCH; 0 and ids no pid_t can hold
    are never dead."""
    if pid == 0 or pid > 0x7FFF_FFFF:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def record_values(layout: dict, start: int, prefix: str, out: list) -> None:
    """The values of a record (its leaves, §6): (path, offset, kind, width)."""
    for f in layout["fields"]:
        ty = f["type"]
        n = f["array_len"]
        for i in range(n if n is not None else 1):
            path = prefix + f["name"] + (f"[{i}]" if n is not None else "")
            at = start + f["offset"] + i * elem_size(ty)
            t = ty["tag"]
            if t == "value":
                out.append((path, at, ty["kind"], ty["width"]))
            elif t in ("layout", "seq"):
                inner = at + (seq_record_offset(ty["layout"]) if t == "seq" else 0)
                record_values(ty["layout"], inner, path + ".", out)
            elif t == "striped":
                for c in range(ty["cells"]):
                    out.append((f"{path}[{c}]", at + c * ty["stride"], ty["kind"],
                                ty["width"]))
            else:
                out.append((path, at, "uint", 4))


class DeadWriter(Exception):
    def __init__(self, pid: int, word: int):
        super().__init__(f"the record's writer, process {pid}, died mid-write")
        self.pid, self.word = pid, word


class Busy(Exception):
    def __init__(self, pid: int):
        super().__init__(f"process {pid} was still writing the record at the deadline")
        self.pid = pid


class RecordReader:
    """Copies of one Seq record by the reader protocol of §13.3."""

    def __init__(self, loads: Loads, word_off: int, layout: dict, fence):
        self.word = loads.loader(word_off, 8)
        values: list = []
        record_values(layout, word_off + seq_record_offset(layout), "", values)
        self.fields = [v[0] for v in values]
        self.kinds = [(v[2], v[3]) for v in values]
        self.loads = [loads.loader(v[1], v[3]) for v in values]
        self.fence = fence
        self.retries = 0  # attempts a writer interfered with (s1 != s2)
        self.waits = 0  # attempts that found the word odd

    def load_word(self) -> int:
        return int.from_bytes(self.word(), sys.byteorder)

    def read(self, deadline: float) -> dict:
        spins = 0
        while True:
            s1 = self.load_word()  # step 1 (acquire: see make_fence)
            self.fence()
            if s1 & 1:
                # §13.4: a write is in progress; every so often ask whether its writer
                # lives.
                self.waits += 1
                spins += 1
                if spins % SPINS_BEFORE_CHECK == 0:
                    pid = s1 >> 32
                    if not pid_alive(pid):
                        raise DeadWriter(pid, s1)
                    if time.monotonic() > deadline:
                        raise Busy(pid)
                if spins > 64:
                    os.sched_yield()
                continue
            raw = [load() for load in self.loads]  # step 2: one load per value
            self.fence()  # step 3
            s2 = self.load_word()  # step 4
            if s1 != s2:  # step 5: a writer interfered; discard the copy
                self.retries += 1
                if self.retries % SPINS_BEFORE_CHECK == 0 and time.monotonic() > deadline:
                    raise Busy(s2 >> 32)
                continue
            values = [read_value(b, 0, k, w)["value"] for b, (k, w) in zip(raw, self.kinds)]
            torn_by = (s1 >> 32) if s1 & TORN else None  # §13.3 step 5: torn, not whole
            return {"word": str(s1), "torn_by": torn_by, "values": values}


def read_record_cmd(path: str, field: str, reads: int, min_distinct: int, seconds: float,
                    fence_mode: str, any_owner: bool, shared_write: bool) -> dict:
    deadline = time.monotonic() + seconds
    f, h, desc, _, _ = open_segment(path, any_owner, shared_write)
    with f:
        loc = locate(desc, field)
        if loc["target"]["what"] != "seq":
            raise Refused("NotARecord", f"`{field}` names a {loc['target']['what']}, "
                          "not a Seq record")
        fence = make_fence(fence_mode)
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        loads = Loads(m, h["payload_offset"])
        try:
            rr = RecordReader(loads, loc["offset"], loc["target"]["layout"], fence)
            out: list[dict] = []
            words: set[str] = set()
            result = {"ok": True, "path": field, "fields": rr.fields}
            try:
                while (len(out) < reads or len(words) < min_distinct) and (
                        time.monotonic() < deadline or not out):
                    r = rr.read(deadline)
                    out.append(r)
                    words.add(r["word"])
            except DeadWriter as e:
                result.update(ok=False, kind="DeadWriter", pid=e.pid, word=str(e.word),
                              error=str(e))
            except Busy as e:
                result.update(ok=False, kind="Busy", pid=e.pid, error=str(e))
            result.update(reads=out, distinct_words=len(words), retries=rr.retries,
                          waits=rr.waits)
            return result
        finally:
            loads.release()
            m.close()


# ---------------------------------------------------------------- §14: striped sums


def sum_cmd(path: str, field: str, any_owner: bool, shared_write: bool) -> dict:
    f, h, desc, _, _ = open_segment(path, any_owner, shared_write)
    with f:
        loc = locate(desc, field)
        t = loc["target"]
        if t["what"] != "striped":
            raise Refused("NotStriped", f"`{field}` names a {t['what']}, not a striped counter")
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        loads = Loads(m, h["payload_offset"])
        try:
            width, kind = t["width"], t["kind"]
            # One relaxed load per cell (§14); a 16-byte cell is two loads here, exact
            # only while nobody adds.
            cells = [loads.loader(loc["offset"] + c * t["stride"], width)()
                     for c in range(t["cells"])]
        finally:
            loads.release()
            m.close()
    bits = 8 * width
    total = 0
    for raw in cells:
        total = (total + int.from_bytes(raw, sys.byteorder)) % (1 << bits)  # wrapping
    if kind == "int" and total >= 1 << (bits - 1):
        total -= 1 << bits
    return {"ok": True, "path": field, "kind": kind, "width": width, "cells": t["cells"],
            "sum": str(total),
            "cell_values": [read_value(c, 0, kind, width)["value"] for c in cells]}


def locate_cmd(path: str, fields: list[str], any_owner: bool, shared_write: bool) -> dict:
    """Each path of `fields` resolved by §16: what it names, where, and in which record."""
    f, _, desc, _, _ = open_segment(path, any_owner, shared_write)
    f.close()
    out = []
    for p in fields:
        try:
            loc = locate(desc, p)
        except PathError as e:
            out.append({"path": p, "ok": False, "kind": e.kind, "at": e.at, "error": str(e)})
            continue
        t = {k: v for k, v in loc["target"].items() if k != "layout"}
        rec = loc["record"]
        out.append({"path": p, "ok": True, "offset": loc["offset"], "target": t,
                    "record": None if rec is None else {"path": rec["path"],
                                                        "offset": rec["offset"]}})
    return {"ok": True, "located": out}


# ---------------------------------------------------------------- §15: waiting on an event

# The shared futex of §15 (no FUTEX_PRIVATE_FLAG: the wait queue is the file page's, so a
# notifier in another process wakes us). The word's address comes from a mapping made by
# libc's mmap through ctypes (Python's mmap object gives no address of a read-only map).
SYS_FUTEX = {"x86_64": 202, "aarch64": 98, "arm64": 98, "riscv64": 98}
FUTEX_WAIT = 0
PROT_READ, MAP_SHARED = 1, 1


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def wait_event_cmd(path: str, event: str, until: str, target: int, seconds: float,
                   any_owner: bool, shared_write: bool) -> dict:
    """Waits (§15) on the event at `event` until the uint value at `until` is at least
    `target`, or `seconds` pass. Prints "waiting" on stderr before its first sleep."""
    machine = os.uname().machine.lower()
    nr = SYS_FUTEX.get(machine)
    if nr is None:
        raise Refused("NoFutex", f"no futex on {machine}")
    deadline = time.monotonic() + seconds
    f, h, desc, _, _ = open_segment(path, any_owner, shared_write)
    with f:
        ev, cond = locate(desc, event), locate(desc, until)
        if ev["target"]["what"] != "event":
            raise Refused("NotAnEvent", f"`{event}` names a {ev['target']['what']}")
        t = cond["target"]
        if t["what"] != "value" or t["kind"] != "uint" or t["width"] not in LOAD_FORMAT:
            raise Refused("NotAValue", f"`{until}` is not an unsigned value of 1 to 8 bytes")
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                              ctypes.c_int, ctypes.c_long]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        libc.syscall.restype = ctypes.c_long
        size = h["payload_offset"] + h["payload_size"]
        base = libc.mmap(None, size, PROT_READ, MAP_SHARED, f.fileno(), 0)
        if base is None or base == ctypes.c_void_p(-1).value:
            raise Refused("Io", f"mmap: {os.strerror(ctypes.get_errno())}")
    try:
        word_at = base + h["payload_offset"] + ev["offset"]
        word = ctypes.c_uint32.from_address(word_at)  # `.value`: one aligned 4-byte load
        value_type = {1: ctypes.c_uint8, 2: ctypes.c_uint16, 4: ctypes.c_uint32,
                      8: ctypes.c_uint64}[t["width"]]
        value = value_type.from_address(base + h["payload_offset"] + cond["offset"])
        fence = make_fence("auto")
        sleeps = 0
        returns = {"woken": 0, "changed": 0, "timed_out": 0, "other": 0}
        while True:
            g = word.value
            fence()  # the acquire of `g`: the value below is read after it
            if value.value >= target:
                return {"ok": True, "generation": g, "value": value.value, "sleeps": sleeps,
                        "futex": returns}
            left = deadline - time.monotonic()
            if left <= 0:
                return {"ok": False, "kind": "TimedOut", "generation": g,
                        "value": value.value, "sleeps": sleeps, "futex": returns,
                        "error": f"{until} stayed below {target} for {seconds} s"}
            if sleeps == 0:
                print("waiting", file=sys.stderr, flush=True)
            ts = Timespec(int(left), int((left % 1) * 1e9))
            # Sleeps only while the word still equals g (the kernel compares).
            r = libc.syscall(ctypes.c_long(nr), ctypes.c_void_p(word_at),
                             ctypes.c_int(FUTEX_WAIT), ctypes.c_uint32(g), ctypes.byref(ts),
                             None, ctypes.c_int(0))
            err = ctypes.get_errno()
            sleeps += 1
            # 0: woken by a FUTEX_WAKE; EAGAIN: the word was no longer g (not asleep yet).
            key = ("woken" if r == 0 else "changed" if err == errno.EAGAIN
                   else "timed_out" if err == errno.ETIMEDOUT else "other")
            returns[key] += 1
    finally:
        libc.munmap(ctypes.c_void_p(base), size)
