"""shm_atomics: lock-free, address-free atomics for Python on the shm-atomics runtime.

The Python `atomics` package's API (change only the import: `import shm_atomics as
atomics`), many times faster, with width 16 where the CPU has it lock-free and `FLOAT`
and `BOOL` kinds; atomos' API in `shm_atomics.atomos`. See the package README for the
porting table and every difference from the seed.
"""
from ._impl.alignment import Alignment
from ._impl.enums import MemoryOrder, OpType
from ._impl.types import ANY, INTEGRAL, BYTES, INT, UINT, FLOAT, BOOL
from ._native import CmpxchgResult, is_lock_free
from ._impl.funcs import atomic, atomicview
from .segment import (Event, Field, FieldArray, FieldGroup, FieldInfo, Layout, PathError,
                      Segment, SegmentError, SegmentInfo, SeqRecord, SeqSnapshot, Striped)
from . import exc, base, view, ctx  # noqa: F401  (the seed's submodules)
from . import _native as _n
from ._impl import exceptions as _exc

# The classes the native module raises or returns, handed to it once (it never imports
# this package): see python/src/registry.rs.
_n._register(op_type=OpType, memory_order=MemoryOrder,
             alignment_error=_exc.AlignmentError, memory_order_error=_exc.MemoryOrderError,
             unsupported_width=_exc.UnsupportedWidthException,
             unsupported_operation=_exc.UnsupportedOperationException,
             field_info=FieldInfo, seq_snapshot=SeqSnapshot,
             path_error=PathError)
del _n, _exc

__all__ = [
    "atomic", "atomicview",
    "ANY", "INTEGRAL", "BYTES", "INT", "UINT", "FLOAT", "BOOL",
    "Alignment", "CmpxchgResult",
    "MemoryOrder", "OpType", "is_lock_free",
    "Segment", "SegmentError", "SegmentInfo", "Layout", "Field", "FieldInfo",
    "FieldGroup", "FieldArray", "Event", "Striped", "SeqRecord", "SeqSnapshot", "PathError",
]
