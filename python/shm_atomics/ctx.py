"""The view context classes (`atomics.ctx`): what `atomicview()` returns."""
from . import _native as _n


class AtomicViewContext(_n.AtomicViewContext):
    """A view context of type `ANY` (needs `is_integral=` and `is_signed=`)."""

    __slots__ = ()

    def __new__(cls, *, buffer, is_integral: bool, is_signed: bool):
        return super().__new__(cls, buffer=buffer, kind="any", is_integral=is_integral,
                               is_signed=is_signed)


class AtomicIntegralViewContext(_n.AtomicViewContext):
    """A view context of type `INTEGRAL` (needs `is_signed=`)."""

    __slots__ = ()

    def __new__(cls, *, buffer, is_signed: bool):
        return super().__new__(cls, buffer=buffer, kind="integral", is_signed=is_signed)


def _context(name: str, kind: str, doc: str):
    def __new__(cls, *, buffer):
        return _n.AtomicViewContext.__new__(cls, buffer=buffer, kind=kind)
    return type(name, (_n.AtomicViewContext,),
                {"__slots__": (), "__new__": __new__, "__doc__": doc,
                 "__module__": __name__})


AtomicBytesViewContext = _context("AtomicBytesViewContext", "bytes",
                                  "A view context of type `BYTES`.")
AtomicIntViewContext = _context("AtomicIntViewContext", "int",
                                "A view context of type `INT`.")
AtomicUintViewContext = _context("AtomicUintViewContext", "uint",
                                 "A view context of type `UINT`.")
AtomicFloatViewContext = _context("AtomicFloatViewContext", "float",
                                  "A view context of type `FLOAT`.")
AtomicBoolViewContext = _context("AtomicBoolViewContext", "bool",
                                 "A view context of type `BOOL`.")

__all__ = ["AtomicViewContext", "AtomicIntegralViewContext", "AtomicBytesViewContext",
           "AtomicIntViewContext", "AtomicUintViewContext", "AtomicFloatViewContext",
           "AtomicBoolViewContext"]
