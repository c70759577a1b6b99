"""A `prometheus_client` collector over segments: an application already on
prometheus_client exports the values of shared segments beside its own metrics.

    from prometheus_client import REGISTRY
    from shm_atomics.prometheus import SegmentCollector

    REGISTRY.register(SegmentCollector(["/dev/shm/app"]))   # files or directories

Every numeric value becomes a sample named and labelled by the same naming rule as
`shma export` (docs/EXPORT.md): `<prefix>_<layout in snake case>_<path without indexes,
. as _>`, a counter when unsigned and `Striped` or named `..._total` (else a gauge),
`# UNIT` from a base-unit suffix, labels `segment` (file name), `path` and `index`,
`index_2`, ... for array elements. A `Striped` counter is its sum, a `Seq` record's values
come from one consistent read, bools are 0 or 1, bytes and `Event` fields are left out.
prometheus_client renders every value as a float, so a 16-byte integer keeps 53
significant bits here (`shma export` writes it exactly).

Segments are opened read-only at each collection; a file that does not open, or whose
record cannot be read whole, is left out of that collection and logged once (logger
`shm_atomics.prometheus`). Needs the `prometheus_client` package.
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

from prometheus_client.metrics_core import Metric

from .segment import Segment, SegmentError

__all__ = ["SegmentCollector", "metric_name"]

_log = logging.getLogger(__name__)

#: Prometheus' base units, recognised at the end of a name.
UNITS = ("seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams",
         "celsius", "kelvin")

_BAD = re.compile(r"[^a-zA-Z0-9_]")
_INDEX = re.compile(r"\[[^\]]*\]")


def _snake(name: str) -> str:
    """`NetStats` -> `net_stats`, as `shma export` writes layout names."""
    out: List[str] = []
    prev_lower = False
    for c in name:
        if "A" <= c <= "Z":
            if prev_lower:
                out.append("_")
            out.append(c.lower())
            prev_lower = False
        else:
            out.append(c if (c.isascii() and (c.isalnum() or c == "_")) else "_")
            prev_lower = c.isascii() and (c.islower() or c.isdigit())
    return "".join(out)


def metric_name(prefix: str, layout: str, path: str, kind: str,
                striped: bool = False) -> Tuple[str, str, str]:
    """The family name, type (`counter` or `gauge`) and unit (or "") of the field at
    `path` of `layout` holding values of `kind` (`int`, `uint`, `float`, `bool`):
    the naming rule of `shma export`.

    >>> metric_name("shma", "WebStats", "ports[1].errors_total", "uint")
    ('shma_web_stats_ports_errors', 'counter', '')
    """
    parts = [p for p in (_BAD.sub("_", prefix), _snake(layout)) if p]
    parts.append(_BAD.sub("_", _INDEX.sub("", path).replace(".", "_")))
    family = "_".join(parts)
    if not family or family[0].isdigit():
        family = "_" + family
    counter = kind == "uint" and (striped or family.endswith("_total"))
    if counter and family.endswith("_total") and len(family) > len("_total"):
        family = family[: -len("_total")]
    unit = next((u for u in UNITS if family.endswith("_" + u)), "")
    return family, ("counter" if counter else "gauge"), unit


def _value(kind: str, v: Any) -> Optional[float]:
    if kind in ("int", "uint", "float"):
        return float(v)
    if kind == "bool":
        return 1.0 if v else 0.0
    return None


class SegmentCollector:
    """Collects every numeric value of the segments at `paths` (segment files, or
    directories whose segments are all collected; default: this user's segment
    directory) for `prometheus_client`'s registry."""

    def __init__(self, paths: Union[None, str, os.PathLike, Sequence[Union[str, os.PathLike]]] = None,
                 *, prefix: str = "shma") -> None:
        if paths is None:
            paths = [Segment.default_dir()]
        elif isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self._paths = [os.fspath(p) for p in paths]
        self._prefix = prefix
        self._logged: Set[str] = set()

    def _note(self, line: str) -> None:
        if line not in self._logged:
            if len(self._logged) > 10_000:
                self._logged.clear()
            self._logged.add(line)
            _log.warning("%s", line)

    def _files(self) -> Iterator[str]:
        for p in self._paths:
            if os.path.isdir(p):
                try:
                    names = sorted(os.listdir(p))
                except OSError as e:
                    self._note(f"cannot list directory {p}: {e}")
                    continue
                for n in names:
                    full = os.path.join(p, n)
                    if not n.startswith(".") and os.path.isfile(full) and not os.path.islink(full):
                        yield full
            else:
                yield p

    def collect(self) -> Iterable[Metric]:
        families: Dict[str, Metric] = {}
        seen: Dict[str, str] = {}
        for path in self._files():
            label = os.path.basename(path)
            if label in seen:
                self._note(f"segment {path}: left out, another segment ({seen[label]}) "
                           f"is also named {label!r}")
                continue
            try:
                with Segment.open_readonly(path) as seg:
                    samples = list(self._samples(seg, label))
                    seg.check()
            except (SegmentError, OSError, ValueError) as e:
                self._note(f"segment {path}: left out: {e}")
                continue
            seen[label] = path
            for (family, typ, unit, help_), name, labels, value in samples:
                m = families.get(family)
                if m is None:
                    m = families[family] = Metric(family, help_, typ, unit)
                elif (m.type, m.unit) != (typ, unit):
                    self._note(f"segment {path}: metric {family} left out: another field "
                               f"exports it as a {m.type}")
                    continue
                m.add_sample(name, labels, value)
        return list(families.values())

    def _samples(self, seg: Segment, label: str) -> Iterator[Tuple[Tuple[str, str, str, str],
                                                                   str, Dict[str, str], float]]:
        layout = seg.info.layout
        snap = seg.snapshot()

        def walk(fields: Any, values: Dict[str, Any], prefix: str, idx: List[str],
                 in_record: bool) -> Iterator[Any]:
            for f in fields:
                v = values[f.name]
                elems = [(f"{prefix}{f.name}[{i}]", idx + [str(i)], e) for i, e in enumerate(v)] \
                    if f.array_len is not None else [(prefix + f.name, idx, v)]
                for path, ix, e in elems:
                    if f.kind in ("layout", "seq"):
                        yield from walk(f.nested.fields, e, path + ".", ix,
                                        in_record or f.kind == "seq")
                        continue
                    striped = f.kind == "striped"
                    if striped:
                        cell = f.type.split("<", 1)[1].split(",", 1)[0].strip()
                        kind = "uint" if cell.startswith("u") else "int"
                    else:
                        kind = f.kind
                    value = _value(kind, e)
                    if value is None:  # bytes, event
                        continue
                    family, typ, unit = metric_name(self._prefix, layout, path, kind, striped)
                    pattern = _INDEX.sub("[*]", path)
                    help_ = f"Field {pattern} of layout {layout} ({f.type.strip('[]').split(';')[0]}"
                    if in_record:
                        help_ += ", from one consistent read of its Seq record"
                    help_ += ")"
                    labels = {"segment": label, "path": path}
                    for n, i in enumerate(ix):
                        labels["index" if n == 0 else f"index_{n + 1}"] = i
                    name = family + "_total" if typ == "counter" else family
                    yield (family, typ, unit, help_), name, labels, value

        yield from walk(seg.layout.fields, snap, "", [], False)
