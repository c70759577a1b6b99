#!/usr/bin/env python3
"""A reader of shm-atomics segment files, written from docs/FORMAT.md alone.

Python 3.11, standard library only. Usage:

    python3 tests/format/reader.py [--allow-any-owner] [--allow-shared-write]
                                   [--max-leaves N] FILE...
    python3 tests/format/reader.py [trust options] --read-record PATH --reads N
                                   [--min-distinct K] [--deadline SECONDS] FILE
    python3 tests/format/reader.py [trust options] --sum PATH FILE
    python3 tests/format/reader.py [trust options] --locate PATH [--locate PATH...] FILE
    python3 tests/format/reader.py [trust options] --wait-event PATH --until PATH>=N
                                   [--deadline SECONDS] FILE

Prints one JSON object on stdout. For a valid segment (exit status 0):

    {"ok": true, "header": {...}, "descriptor": {...}, "format_version": 1,
     "fingerprint": "0x...", "leaves": [{"path", "offset", "kind", "width", "value"}...],
     "records": [{"path", "offset", "word"}...]}

"leaves" are the leaves of §6 (an event has kind "event"); "records" lists every seq
field's sequence word (not a leaf, §6), as read byte for byte (no protocol).

--read-record PATH reads the Seq record at PATH (a path of §16) consistently by the
reader protocol of §13.3, N times (more if fewer than K distinct sequence words were
seen; at most until the deadline), and prints
    {"ok": true, "path", "fields": [record value paths], "reads": [{"word", "torn_by",
     "values": [...]}...], "retries": n, "waits": n}
or, when the record's writer died mid-write (§13.4),
    {"ok": false, "kind": "DeadWriter", "pid": p, "word": w, "reads": [...]}.
--sum PATH prints {"ok": true, "path", "kind", "width", "cells", "sum", "cell_values"}:
the striped counter at PATH summed as §14 says.
--locate PATH prints {"ok": true, "located": [{"path", "ok": true, "offset", "target":
{"what", ...}, "record": {"path", "offset"} or null}, or {"path", "ok": false, "kind",
"at", "error"}...]}: each path resolved by §16 ("kind" is the class of §16.4).
--wait-event PATH --until VALUE>=N waits on the event at PATH by §15 (the shared futex)
until the unsigned value at VALUE is at least N: {"ok": true, "generation", "value",
"sleeps"}, or {"ok": false, "kind": "TimedOut", ...} at the deadline.
A path §16 refuses elsewhere prints {"ok": false, "kind": "Path", "path_kind", "at", ...}.

With several files, one such object per line (exit status 1 if any is refused).
For a refused file (exit status 1): {"ok": false, "kind": "Malformed", "error": "..."}
where "kind" names the check of FORMAT.md section 9 that failed, in the names the Rust
crate uses (Foreign, Version, ByteOrder, Malformed, NotReady, Truncated, TooShort,
NotRegularFile, UntrustedOwner, SharedWrite, UnsafeDirectory, Io).

Leaf values (FORMAT.md section 7): int and uint as decimal strings (they may exceed
2^53), bool as true/false (any non-zero byte is true), float as a number (or "nan",
"inf", "-inf") with its exact bits in "bits" (hex), bytes as lowercase hex in memory
order. Section references (§) are to docs/FORMAT.md.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import stat
import struct
import sys
import tempfile

# §2 constants
MAGIC = b"\x89ATOMSEG"
FIXED_HEADER = 128
PAYLOAD_ALIGN = 64
BYTE_ORDER = 0x01020304
READY = 0x5245414459210001
MAX_DESCRIPTOR = 1 << 20
KNOWN_VERSIONS = (1, 2)
# §5 limits
MAX_DEPTH = 16
MAX_FIELDS = 4096
MAX_NAME = 255
MAX_CELLS = 4096
MAX_ALIGN = 4096
NO_ARRAY = 0xFFFF_FFFF_FFFF_FFFF
KINDS = {0: "int", 1: "uint", 2: "bytes", 3: "bool", 4: "float"}
WIDTHS = {
    "int": (1, 2, 4, 8, 16),
    "uint": (1, 2, 4, 8, 16),
    "bytes": (1, 2, 4, 8, 16),
    "bool": (1,),
    "float": (4, 8),
}
KIND_CODE = {v: k for k, v in KINDS.items()}
# §8
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1


class Refused(Exception):
    """The file is refused; `kind` is the check that failed (§9 names)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def is_pow2(x: int) -> bool:
    return x > 0 and x & (x - 1) == 0


# ---------------------------------------------------------------- §4, §5: descriptor


class DescReader:
    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def fail(self, what: str, at: int | None = None) -> Refused:
        where = self.at if at is None else at
        return Refused("Malformed", f"malformed layout descriptor at byte {where}: {what}")

    def take(self, n: int) -> bytes:  # rule 1
        if self.at + n > len(self.data):
            raise self.fail(f"needs {n} more bytes, only {len(self.data) - self.at} left")
        b = self.data[self.at : self.at + n]
        self.at += n
        return b

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "little")

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "little")

    def u64(self) -> int:
        return int.from_bytes(self.take(8), "little")

    def name(self) -> str:
        n = self.u16()
        if n == 0 or n > MAX_NAME:  # rule 5
            raise self.fail(f"a name of {n} bytes (1..={MAX_NAME} allowed)")
        at = self.at
        b = self.take(n)
        why = name_problem(b)
        if why:
            raise self.fail(f"name {b!r} {why}", at)
        return b.decode("ascii")

    def kind(self) -> str:
        k = self.u8()
        if k not in KINDS:  # rule 3
            raise self.fail(f"an unknown kind {k}")
        return KINDS[k]

    def layout(self, depth: int) -> dict:
        if depth > MAX_DEPTH:  # rule 9
            raise self.fail(f"layouts nested more than {MAX_DEPTH} deep")
        name = self.name()
        size = self.u64()
        align = self.u64()
        if not is_pow2(align):  # rule 10
            raise self.fail(f"alignment {align} of {name} is not a power of two")
        if align > MAX_ALIGN:
            raise self.fail(f"alignment {align} of {name} is above {MAX_ALIGN}")
        if size == 0 or size % align != 0:  # rule 11
            raise self.fail(f"size {size} of {name} is not a positive multiple of {align}")
        n = self.u32()
        if n == 0 or n > MAX_FIELDS:  # rule 12
            raise self.fail(f"{n} fields in {name} (1..={MAX_FIELDS} allowed)")
        fields = []
        seen = set()
        end = 0
        for _ in range(n):
            fname = self.name()
            offset = self.u64()
            tag = self.u8()
            if tag == 0:
                kind = self.kind()
                width = self.u8()
                if width not in WIDTHS[kind]:  # rule 13
                    raise self.fail(f"field {fname}: width {width} is not valid for {kind}")
                ty = {"tag": "value", "kind": kind, "width": width}
            elif tag in (1, 2):
                inner = self.layout(depth + 1)
                ty = {"tag": "layout" if tag == 1 else "seq", "layout": inner}
            elif tag == 3:
                kind = self.kind()
                width = self.u8()
                cells = self.u32()
                stride = self.u32()
                if kind not in ("int", "uint") or width not in WIDTHS[kind]:  # rule 14
                    raise self.fail(f"field {fname}: a striped counter of {kind} width {width}")
                if cells == 0 or cells > MAX_CELLS:
                    raise self.fail(f"field {fname}: {cells} cells")
                if not is_pow2(stride) or stride < width or stride > MAX_ALIGN:
                    raise self.fail(f"field {fname}: cell stride {stride}")
                ty = {"tag": "striped", "kind": kind, "width": width, "cells": cells,
                      "stride": stride}
            elif tag == 4:
                ty = {"tag": "event"}
            else:  # rule 3
                raise self.fail(f"field {fname}: unknown type tag {tag}")
            alen = self.u64()
            if alen == 0:  # rule 15
                raise self.fail(f"field {fname}: array length 0")
            array_len = None if alen == NO_ARRAY else alen
            falign = self.u64()
            if (not is_pow2(falign) or falign < natural_align(ty) or falign > align
                    or offset % falign != 0):  # rule 16
                raise self.fail(f"field {fname}: alignment {falign} (offset {offset}) is inconsistent")
            if fname in seen:  # rule 8
                raise self.fail(f"field {fname} appears twice")
            seen.add(fname)
            fsize = elem_size(ty) * (array_len or 1)
            if offset < end or offset + fsize > size:  # rule 17
                raise self.fail(f"field {fname} at {offset} overlaps the previous field "
                                f"or runs past the size {size}")
            end = offset + fsize
            fields.append({"name": fname, "offset": offset, "type": ty,
                           "array_len": array_len, "align": falign})
        return {"name": name, "size": size, "align": align, "fields": fields}


def name_problem(b: bytes) -> str | None:
    """Rules 6 and 7; None if `b` is a legal name."""
    if any(c >= 0x80 for c in b):
        return "is not ASCII"
    s = b.decode("ascii")
    if not (s[0].isalpha() or s[0] == "_"):
        return "does not start with a letter or `_`"
    if not all(c.isalnum() or c == "_" for c in s):
        return "has a character other than a letter, digit or `_`"
    if s[0] == "_" and len(s) > 1 and s[1].isupper():
        return "starts with `_` and an uppercase letter"
    if "__" in s:
        return "contains `__`"
    return None


def decode_descriptor(data: bytes) -> dict:
    r = DescReader(data)
    d = r.layout(0)
    if r.at != len(data):  # rule 2
        raise r.fail(f"{len(data) - r.at} bytes left after the descriptor")
    return d


def seq_record_offset(layout: dict) -> int:
    return max(8, layout["align"])


def elem_size(ty: dict) -> int:  # §4 table
    t = ty["tag"]
    if t == "value":
        return ty["width"]
    if t == "layout":
        return ty["layout"]["size"]
    if t == "seq":
        r = seq_record_offset(ty["layout"])
        return r + -(-ty["layout"]["size"] // r) * r
    if t == "striped":
        return ty["cells"] * ty["stride"]
    return 4  # event


def natural_align(ty: dict) -> int:  # §4 table
    t = ty["tag"]
    if t == "value":
        return ty["width"]
    if t == "layout":
        return ty["layout"]["align"]
    if t == "seq":
        return seq_record_offset(ty["layout"])
    if t == "striped":
        return ty["stride"]
    return 4


def format_version(layout: dict) -> int:  # §12
    v = 1
    for f in layout["fields"]:
        t = f["type"]["tag"]
        if t in ("seq", "striped", "event"):
            v = max(v, 2)
        elif t == "layout":
            v = max(v, format_version(f["type"]["layout"]))
    return v


# ---------------------------------------------------------------- §8: fingerprint


def fnv(h: int, data: bytes) -> int:
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


def fnv_u64(h: int, v: int) -> int:
    return fnv(h, (v & MASK64).to_bytes(8, "little"))


def fingerprint(layout: dict) -> int:
    h = fnv(FNV_OFFSET, b"atomics-layout-v1")
    h = fnv_u64(h, layout["size"])
    h = fnv_u64(h, layout["align"])
    h = fnv_u64(h, len(layout["fields"]))
    for f in layout["fields"]:
        name = f["name"].encode("ascii")
        h = fnv_u64(h, len(name))
        h = fnv(h, name)
        h = fnv_u64(h, f["offset"])
        ty = f["type"]
        t = ty["tag"]
        if t == "value":
            h = fnv_u64(h, KIND_CODE[ty["kind"]])
            h = fnv_u64(h, ty["width"])
        elif t == "layout":
            h = fnv_u64(h, 0xFF)
            h = fnv_u64(h, fingerprint(ty["layout"]))
        elif t == "seq":
            h = fnv_u64(h, 0xFE)
            h = fnv_u64(h, fingerprint(ty["layout"]))
        elif t == "striped":
            h = fnv_u64(h, 0xFD)
            for k in (KIND_CODE[ty["kind"]], ty["width"], ty["cells"], ty["stride"]):
                h = fnv_u64(h, k)
        else:
            h = fnv_u64(h, 0xFC)
        h = fnv_u64(h, NO_ARRAY if f["array_len"] is None else f["array_len"])
        h = fnv_u64(h, f["align"])
    return h


# ---------------------------------------------------------------- §2, §3, §9: header


def parse_header(b: bytes) -> dict:
    le = lambda off, n: int.from_bytes(b[off : off + n], "little")  # noqa: E731
    native = sys.byteorder
    return {
        "magic": b[0:8].hex(),
        "version": le(8, 4),
        "header_len": le(12, 4),
        "payload_offset": le(16, 8),
        "payload_size": le(24, 8),
        "fingerprint": le(32, 8),
        "created_ns": le(40, 8),
        "creator_pid": le(48, 4),
        "byte_order_mark": int.from_bytes(b[52:56], native),
        "descriptor_offset": le(56, 4),
        "descriptor_len": le(60, 4),
        "ready": int.from_bytes(b[64:72], native),
        "reserved": b[72:128].hex(),
    }


def check_header(b: bytes, h: dict, file_len: int) -> None:
    """§9 checks 2 to 10, in order."""
    if b[0:8] != MAGIC:
        raise Refused("Foreign", "not a segment: bad magic")
    if h["version"] not in KNOWN_VERSIONS:
        raise Refused("Version", f"format version {h['version']} (this reader knows 1 and 2)")
    bom = h["byte_order_mark"]
    if bom != BYTE_ORDER:
        if bom == 0x04030201:
            raise Refused("ByteOrder", "made on a machine of the other byte order")
        raise Refused("Malformed", f"byte-order mark {bom:#x}")
    if h["descriptor_offset"] != FIXED_HEADER:
        raise Refused("Malformed", f"descriptor offset {h['descriptor_offset']}")
    dlen = h["descriptor_len"]
    if dlen == 0 or dlen > MAX_DESCRIPTOR:
        raise Refused("Malformed", f"descriptor length {dlen}")
    hl = h["header_len"]
    if hl < FIXED_HEADER + dlen or hl % PAYLOAD_ALIGN != 0:
        raise Refused("Malformed", f"header length {hl} does not hold the descriptor")
    po = h["payload_offset"]
    if po < hl or po % PAYLOAD_ALIGN != 0:
        raise Refused("Malformed", f"payload offset {po} (header length {hl})")
    if h["ready"] != READY:
        raise Refused("NotReady", f"ready word {h['ready']:#x}: the segment is not complete")
    needed = po + h["payload_size"]
    if needed > MASK64:
        raise Refused("Malformed", f"payload size {h['payload_size']}")
    if file_len < needed:
        raise Refused("Truncated", f"file is {file_len} bytes, needs {needed}")


# ---------------------------------------------------------------- §6, §7: values


def read_value(buf, at: int, kind: str, width: int) -> dict:
    raw = bytes(buf[at : at + width])
    order = sys.byteorder  # §9 refused the other order, so native is the payload's
    if kind == "bytes":
        return {"value": raw.hex()}
    if kind == "bool":
        return {"value": raw[0] != 0}
    if kind == "float":
        bits = int.from_bytes(raw, order)
        x = struct.unpack("<f" if width == 4 else "<d", bits.to_bytes(width, "little"))[0]
        if math.isnan(x):
            v = "nan"
        elif math.isinf(x):
            v = "inf" if x > 0 else "-inf"
        else:
            v = x
        return {"value": v, "bits": f"{bits:0{width * 2}x}"}
    return {"value": str(int.from_bytes(raw, order, signed=(kind == "int")))}


class Leaves:
    def __init__(self, buf, base: int, limit: int):
        self.buf, self.base, self.limit = buf, base, limit
        self.out: list[dict] = []
        self.records: list[dict] = []
        self.truncated = False

    def emit(self, path: str, off: int, kind: str, width: int, read_as: str) -> None:
        if len(self.out) >= self.limit:
            self.truncated = True
            raise StopIteration
        leaf = {"path": path, "offset": off, "kind": kind, "width": width}
        leaf.update(read_value(self.buf, self.base + off, read_as, width))
        self.out.append(leaf)

    def layout(self, layout: dict, start: int, prefix: str) -> None:
        for f in layout["fields"]:
            ty = f["type"]
            size = elem_size(ty)
            count = f["array_len"]
            for i in range(count if count is not None else 1):
                path = prefix + f["name"] + (f"[{i}]" if count is not None else "")
                self.element(ty, start + f["offset"] + i * size, path)

    def element(self, ty: dict, at: int, path: str) -> None:
        t = ty["tag"]
        if t == "value":
            self.emit(path, at, ty["kind"], ty["width"], ty["kind"])
        elif t == "layout":
            self.layout(ty["layout"], at, path + ".")
        elif t == "seq":
            # The sequence word is not a leaf (§6): listed apart, read as plain bytes.
            word = read_value(self.buf, self.base + at, "uint", 8)["value"]
            self.records.append({"path": path, "offset": at, "word": word})
            self.layout(ty["layout"], at + seq_record_offset(ty["layout"]), path + ".")
        elif t == "striped":
            for c in range(ty["cells"]):
                self.emit(f"{path}[{c}]", at + c * ty["stride"], ty["kind"], ty["width"],
                          ty["kind"])
        else:
            self.emit(path, at, "event", 4, "uint")


# ---------------------------------------------------------------- §10: names and trust


def default_dir() -> str:
    run = os.environ.get("XDG_RUNTIME_DIR", "")
    if run and os.path.isabs(run):
        return os.path.join(run, "shm-atomics")
    base = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    return os.path.join(base, f"shm-atomics-{os.geteuid()}")


def check_dir(d: str) -> None:
    try:
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        raise Refused("UnsafeDirectory", f"{d}: {e.strerror}") from None
    try:
        st = os.fstat(fd)
    finally:
        os.close(fd)
    if st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise Refused("UnsafeDirectory", f"{d}: owner {st.st_uid}, mode {st.st_mode & 0o7777:o}")


def resolve(path: str) -> str:
    if "/" in path or path in (".", ".."):
        return path
    run = os.environ.get("XDG_RUNTIME_DIR", "")
    if run and os.path.isabs(run):
        check_dir(run)
    d = default_dir()
    check_dir(d)
    return os.path.join(d, path)


def open_segment(path: str, any_owner: bool, shared_write: bool):
    """§9 and §10: opens and checks the file; returns (file, header, descriptor,
    format version, fingerprint). The caller closes the file."""
    path = resolve(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise Refused("Io", f"{path}: open: {e.strerror}") from None
    f = os.fdopen(fd, "rb", buffering=0)
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):
            if not (st.st_uid in (os.geteuid(), 0) or any_owner):
                raise Refused("UntrustedOwner", f"owned by uid {st.st_uid}")
            if st.st_mode & 0o022 and not shared_write:
                raise Refused("SharedWrite", f"mode {st.st_mode & 0o7777:o}")
        else:
            raise Refused("NotRegularFile", "not a regular file")
        if st.st_size < FIXED_HEADER:
            raise Refused("TooShort", f"{st.st_size} bytes, a header is {FIXED_HEADER}")
        head = os.pread(fd, FIXED_HEADER, 0)
        h = parse_header(head)
        check_header(head, h, st.st_size)
        desc_bytes = os.pread(fd, h["descriptor_len"], FIXED_HEADER)
        desc = decode_descriptor(desc_bytes)
        version = format_version(desc)
        if version > h["version"]:
            raise Refused("Malformed", f"format version {h['version']} declared, but the "
                          f"descriptor uses field types of version {version}")
        fp = fingerprint(desc)
        if fp != h["fingerprint"]:
            raise Refused("Malformed", f"the descriptor's fingerprint {fp:#018x} is not "
                          f"the header's {h['fingerprint']:#018x}")
        if desc["size"] != h["payload_size"]:
            raise Refused("Malformed", f"payload size {h['payload_size']}, but the layout "
                          f"is {desc['size']} bytes")
        if h["payload_offset"] % desc["align"] != 0:
            raise Refused("Malformed", f"payload offset {h['payload_offset']} is not "
                          f"aligned to {desc['align']}")
    except BaseException:
        f.close()
        raise
    return f, h, desc, version, fp


def read_segment(path: str, any_owner: bool, shared_write: bool, max_leaves: int) -> dict:
    f, h, desc, version, fp = open_segment(path, any_owner, shared_write)
    with f:
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            leaves = Leaves(m, h["payload_offset"], max_leaves)
            try:
                leaves.layout(desc, 0, "")
            except StopIteration:
                pass
            out_leaves, truncated = leaves.out, leaves.truncated
            records = leaves.records
    header = dict(h)
    header["fingerprint"] = f"{h['fingerprint']:#018x}"
    header["ready"] = f"{h['ready']:#018x}"
    header["byte_order"] = sys.byteorder
    return {
        "ok": True,
        "header": header,
        "descriptor": desc,
        "format_version": version,
        "fingerprint": f"{fp:#018x}",
        "leaves": out_leaves,
        "leaves_truncated": truncated,
        "records": records,
    }


def main(argv: list[str]) -> int:
    any_owner = shared_write = False
    max_leaves = 1_000_000
    record = striped = None
    paths: list[str] = []
    event = until = None
    target = 1
    reads, min_distinct, seconds, fence_mode = 1, 0, 10.0, "auto"
    args = []
    it = iter(argv)
    for a in it:
        if a == "--allow-any-owner":
            any_owner = True
        elif a == "--allow-shared-write":
            shared_write = True
        elif a == "--max-leaves":
            max_leaves = int(next(it))
        elif a == "--read-record":
            record = next(it)
        elif a == "--reads":
            reads = int(next(it))
        elif a == "--min-distinct":
            min_distinct = int(next(it))
        elif a == "--deadline":
            seconds = float(next(it))
        elif a == "--fence":
            fence_mode = next(it)
        elif a == "--sum":
            striped = next(it)
        elif a == "--locate":
            paths.append(next(it))
        elif a == "--wait-event":
            event = next(it)
        elif a == "--until":
            until, _, t = next(it).partition(">=")
            target = int(t)
        else:
            args.append(a)
    one_file = record is not None or striped is not None or paths or event is not None
    if not args or one_file and len(args) != 1 or (event is None) != (until is None):
        print(__doc__, file=sys.stderr)
        return 2
    # The live protocols (§13, §14, §16) sit in live.py, which imports this module.
    from live import PathError, locate_cmd, read_record_cmd, sum_cmd, wait_event_cmd

    status = 0
    for path in args:  # several files: one JSON object per line
        try:
            if record is not None:
                out = read_record_cmd(path, record, reads, min_distinct, seconds,
                                      fence_mode, any_owner, shared_write)
            elif striped is not None:
                out = sum_cmd(path, striped, any_owner, shared_write)
            elif paths:
                out = locate_cmd(path, paths, any_owner, shared_write)
            elif event is not None:
                out = wait_event_cmd(path, event, until, target, seconds, any_owner,
                                     shared_write)
            else:
                out = read_segment(path, any_owner, shared_write, max_leaves)
        except Refused as e:
            out = {"ok": False, "kind": e.kind, "error": str(e)}
        except PathError as e:
            out = {"ok": False, "kind": "Path", "path_kind": e.kind, "at": e.at,
                   "error": str(e)}
        if not out["ok"]:
            status = 1
        print(json.dumps(out))
    return status


if __name__ == "__main__":
    # Run as the module `reader`, the one live.py imports (not a second copy whose
    # `Refused` would be another class).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import reader

    sys.exit(reader.main(sys.argv[1:]))
