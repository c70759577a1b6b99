"""`atomic()` and `atomicview()`: the seed's constructors."""
from .. import _native as _n
from ..ctx import (AtomicViewContext, AtomicIntegralViewContext, AtomicBytesViewContext,
                   AtomicIntViewContext, AtomicUintViewContext, AtomicFloatViewContext,
                   AtomicBoolViewContext)
from .types import ANY, INTEGRAL, BYTES, INT, UINT, FLOAT, BOOL

_ATYPE_ERROR = ("Type parameter 'atype' must be one of "
                "[ANY, INTEGRAL, BYTES, INT, UINT, FLOAT, BOOL].")


def atomic(width: int, atype, **kwargs):
    """A zero-initialised atomic of `width` bytes (1, 2, 4, 8, or 16 where lock-free) and
    type `atype` (`INT`, `UINT`, `BYTES`, `FLOAT`, `BOOL`; `INTEGRAL` needs `is_signed=`,
    `ANY` needs `is_integral=` and `is_signed=`)."""
    if atype is INT:
        return _n.AtomicInt(width=width)
    if atype is UINT:
        return _n.AtomicUint(width=width)
    if atype is BYTES:
        return _n.AtomicBytes(width=width)
    if atype is FLOAT:
        return _n.AtomicFloat(width=width)
    if atype is BOOL:
        return _n.AtomicBool(width=width)
    if atype is INTEGRAL:
        return _n.AtomicIntegral(width=width, **kwargs)
    if atype is ANY:
        return _n.Atomic(width=width, **kwargs)
    raise TypeError(_ATYPE_ERROR)


def atomicview(buffer, atype, **kwargs):
    """A view context over `buffer` (any object with the buffer protocol: bytearray,
    mmap, `shared_memory.SharedMemory.buf`, bytes for read-only); its width is the
    buffer's `nbytes`. Use it in a `with` statement to get the view."""
    if atype is INT:
        return AtomicIntViewContext(buffer=buffer)
    if atype is UINT:
        return AtomicUintViewContext(buffer=buffer)
    if atype is BYTES:
        return AtomicBytesViewContext(buffer=buffer)
    if atype is FLOAT:
        return AtomicFloatViewContext(buffer=buffer)
    if atype is BOOL:
        return AtomicBoolViewContext(buffer=buffer)
    if atype is INTEGRAL:
        return AtomicIntegralViewContext(buffer=buffer, **kwargs)
    if atype is ANY:
        return AtomicViewContext(buffer=buffer, **kwargs)
    raise TypeError(_ATYPE_ERROR)
