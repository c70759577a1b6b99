"""Segments from Python: open Rust-, C- or Python-made segment files and use their fields
by name as the `atomics` view classes; declare layouts and create segments that Rust
opens with its typed layout (`Segment::<L>::open`).

Everything here is also importable from `shm_atomics` itself."""
from __future__ import annotations

import os
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Union

from . import _native

Layout = _native.Layout
SegmentError = _native.SegmentError
Event = _native.Event
Striped = _native.Striped
SeqRecord = _native.SeqRecord


class Field(NamedTuple):
    """A field declaration for `Layout`: `Field("hist", "u32", array=8, align=64)`."""
    name: str
    type: Any
    array: Optional[int] = None
    align: Optional[int] = None


class FieldInfo(NamedTuple):
    """One field of a layout: `kind` is int/uint/float/bool/bytes for values, layout for
    nested layouts (`nested` is its `Layout`), seq (`nested` is the record's layout),
    striped and event for the segment format version 2 types. `width` is one element's size, `offset` from the layout's start."""
    name: str
    type: str
    kind: str
    width: int
    offset: int
    array_len: Optional[int]
    align: int
    nested: Optional[Layout]


class SegmentInfo(NamedTuple):
    """A segment's header: format version, fingerprint, layout name, payload size,
    header length, payload offset, creator pid, creation time (seconds since the
    epoch), and the file's path."""
    version: int
    fingerprint: int
    layout: str
    size: int
    header_len: int
    payload_offset: int
    creator_pid: int
    created: float
    path: str


class PathError(KeyError):
    """A field path the layout refuses (the grammar: docs/FORMAT.md, section 16), with
    the runtime's message, the same words as Rust and `shma`: `path`, `at` (the
    byte where it went wrong) and `kind` (its class: "unknown_field", "out_of_range",
    "bad_index", ...; the names of tests/paths.txt). A `KeyError`, so `except KeyError`
    and `path in seg` work as for a dict."""

    def __init__(self, message: str, path: str, at: int, kind: str) -> None:
        super().__init__(message)
        self.path: str = path
        self.at: int = at
        self.kind: str = kind

    def __str__(self) -> str:
        return str(self.args[0])


class SeqSnapshot(dict):
    """A `Seq` record in `Segment.snapshot()`: the record's values as a dict (it compares
    equal to a plain dict), plus what Rust's `SeqSnapshot` tells. `is_whole` is true when
    the values are one whole record; false when the record's writer died in the middle
    of a write (the values were then read one by one and may mix two writes) or left it
    torn. `seq` is the sequence word the values were read at."""

    def __init__(self, values: Dict[str, Any], seq: int, whole: bool) -> None:
        super().__init__(values)
        self.seq: int = seq
        self.is_whole: bool = whole

    def __repr__(self) -> str:
        return (f"SeqSnapshot({dict.__repr__(self)}, seq={self.seq:#x}, "
                f"is_whole={self.is_whole})")


class FieldGroup:
    """A nested layout field of a segment: index it by field name."""

    def __init__(self, seg: "Segment", path: str, layout: Layout) -> None:
        self._seg, self._path, self._layout = seg, path, layout

    def __getitem__(self, name: str) -> Any:
        return self._seg[f"{self._path}.{name}"]

    def keys(self) -> List[str]:
        """The names of the fields."""
        return [f.name for f in self._layout.fields]

    def __repr__(self) -> str:
        return f"FieldGroup({self._path!r}, layout={self._layout.name!r})"


class FieldArray:
    """An array field of a segment: index it (negative indices count from the end),
    iterate it, take its `len`. `seg["hist"][3]` is `seg["hist[3]"]`."""

    def __init__(self, seg: "Segment", path: str, length: int, type: str) -> None:
        self._seg, self._path, self._len, self._type = seg, path, length, type

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i: int) -> Any:
        if not isinstance(i, int):
            raise TypeError("array fields are indexed by int")
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"index out of range for `{self._path}` of length {n}")
        return self._seg[f"{self._path}[{i}]"]

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"FieldArray({self._path!r}, type={self._type!r})"


class Segment:
    """A segment file mapped into this process. Open one with `Segment.open(path)` (a
    bare name is looked up in the per-user directory, as in Rust), create one with
    `Segment.create(path, layout)`. `seg["net.rx"]`, `seg["hist"][3]` and
    `seg["hist[3]"]` give atomic objects (the seed's view classes) over the mapping;
    they keep it mapped, and raise `ValueError` after `seg.close()` (or the end of a
    `with` block)."""

    def __init__(self, native: Any) -> None:
        self._n = native

    # --- opening and creating ---

    @classmethod
    def open(cls, path: Union[str, os.PathLike], *, allow_owner: Optional[int] = None,
             allow_any_owner: bool = False, allow_group_write: bool = False,
             allow_other_write: bool = False) -> "Segment":
        """Opens a segment read-write. Like Rust's `RawSegment::open`, a file owned by
        another user (but root) or writable by group or others is refused
        (`PermissionError`) unless the keyword arguments allow it."""
        return cls(_native._Segment.open(os.fspath(path), False, allow_owner,
                                         allow_any_owner, allow_group_write,
                                         allow_other_write))

    @classmethod
    def open_readonly(cls, path: Union[str, os.PathLike], *,
                      allow_owner: Optional[int] = None, allow_any_owner: bool = False,
                      allow_group_write: bool = False,
                      allow_other_write: bool = False) -> "Segment":
        """Opens a segment read-only (mapped `PROT_READ`): fields load but writes raise
        `UnsupportedOperationException`."""
        return cls(_native._Segment.open(os.fspath(path), True, allow_owner,
                                         allow_any_owner, allow_group_write,
                                         allow_other_write))

    @classmethod
    def create(cls, path: Union[str, os.PathLike], layout: Layout, mode: int = 0o600,
               exist_ok: bool = False) -> "Segment":
        """Creates a zeroed segment of `layout` (`FileExistsError` if the file exists,
        unless `exist_ok`: then the existing segment is opened and must hold the same
        layout, else `SegmentError`). Rust's `Segment::<L>::open` accepts it when `L` has
        the same fields."""
        p = os.fspath(path)
        try:
            return cls(_native._Segment.create(p, layout, mode))
        except FileExistsError:
            if not exist_ok:
                raise
        seg = cls.open(p)
        if seg.layout != layout:
            have = seg.layout
            seg.close()
            raise SegmentError(
                f"{p}: exists with layout `{have.name}` (fingerprint "
                f"{have.fingerprint:#018x}), not the `{layout.name}` asked for "
                f"({layout.fingerprint:#018x}): remove it or use another path")
        return seg

    @staticmethod
    def list(dir: Union[str, os.PathLike, None] = None) -> List[SegmentInfo]:
        """The segments in `dir` (default: the per-user directory of bare names) that
        open read-only, sorted by path; other files are skipped."""
        out = []
        for p in _native.list_segments(None if dir is None else os.fspath(dir)):
            try:
                with Segment.open_readonly(p) as s:
                    out.append(s.info)
            except (OSError, ValueError):
                continue  # removed or changed since listing
        return out

    @staticmethod
    def default_dir() -> str:
        """The per-user directory where bare names live (checked, created 0700)."""
        return os.fspath(_native._Segment.default_dir())

    # --- the handle ---

    @property
    def path(self) -> str:
        """The file's path (bare names resolved)."""
        return os.fspath(self._n.path)

    @property
    def layout(self) -> Layout:
        """The layout stored in the segment."""
        return self._n.layout

    @property
    def fields(self) -> List[FieldInfo]:
        """The layout's top-level fields (`FieldInfo`s; nested ones in `.nested.fields`)."""
        return list(self._n.layout.fields)

    @property
    def readonly(self) -> bool:
        """Whether the segment was opened read-only."""
        return self._n.readonly

    @property
    def closed(self) -> bool:
        """Whether `close()` was called."""
        return self._n.closed

    @property
    def info(self) -> SegmentInfo:
        """The parsed header (`ValueError` once closed)."""
        return SegmentInfo(*self._n.info(), self.path)

    def check(self) -> None:
        """Raises `SegmentError` if a peer truncated the file while mapped (its lost part
        then reads as zeros and writes reach no other process: reopen it); the process is
        never killed by the truncation."""
        self._n.check()

    def close(self) -> None:
        """Unmaps the segment (any number of times); its field objects raise
        `ValueError` from now on."""
        self._n.close()

    def __enter__(self) -> "Segment":
        return self

    def __exit__(self, *exc: Any) -> bool:
        self.close()
        return False

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("read-only" if self.readonly else "read-write")
        return f"Segment({self.path!r}, layout={self.layout.name!r}, {state})"

    # --- fields ---

    def __getitem__(self, path: str) -> Any:
        """The atomic object of a value field (`"hits"`, `"net.rx"`, `"hist[3]"`, a
        striped cell `"hits[1]"`), a `FieldArray` for a whole array, a `FieldGroup` for a
        nested layout; an `Event`, `Striped` or `SeqRecord` for a whole field of those
        types (`seg["pose.x"]` is one value of a record, read-only: write the record with
        `seg["pose"].write(...)`). The path is resolved once, by the runtime's resolver
        (the grammar: docs/FORMAT.md, section 16); `PathError` (a `KeyError`) if the
        layout refuses it, with the runtime's message."""
        if not isinstance(path, str):
            raise TypeError("fields are looked up by name (a str)")
        obj = self._n.field(path)
        if type(obj) is tuple:
            if obj[0] == "layout":
                return FieldGroup(self, path, obj[1])
            return FieldArray(self, path, obj[1], obj[2])
        return obj

    def __contains__(self, path: str) -> bool:
        return isinstance(path, str) and self._n.has(path)

    def snapshot(self) -> Dict[str, Any]:
        """Every field's value, loaded one by one (not one atomic snapshot; the runtime's
        `RawSegment::snapshot`, in one native call): a dict of
        name to int/float/bool/bytes, nested layouts as dicts and arrays as lists; a
        `Seq` record as a `SeqSnapshot` (a dict) read through the record's protocol, as
        Rust's typed `snapshot()` does: one consistent read, whose `is_whole` is false
        when the record's writer died mid-write (never an error); a `Striped` counter as
        its sum, an `Event` as its generation."""
        return self._n.snapshot()
