"""The seed's helper types `ANY`, `INTEGRAL`, `BYTES`, `INT`, `UINT` (and `FLOAT`,
`BOOL` beyond it): abstract classes for `atype=` and for `isinstance`/type hints."""
import abc

from .. import _native as _n


class ANY(abc.ABC):
    """Any atomic object: `width`, `readonly`, `ops_supported`."""


class INTEGRAL(ANY):
    """Atomic integers (signed or unsigned): every operation, `signed`, `__int__`."""


class BYTES(ANY):
    """Atomic raw bytes: load/store/exchange/cmpxchg, bit and binary operations,
    `__bytes__`."""


class INT(INTEGRAL):
    """Atomic signed integers."""


class UINT(INTEGRAL):
    """Atomic unsigned integers."""


class FLOAT(ANY):
    """Atomic IEEE floats of 4 or 8 bytes (beyond the seed): load/store/exchange/cmpxchg,
    add/sub/neg and their fetch forms, `__float__`."""


class BOOL(ANY):
    """Atomic one-byte bools (beyond the seed): load/store/exchange/cmpxchg and bit and
    binary operations, `__bool__`."""


for _cls in (_n.Atomic, _n.AtomicView):
    ANY.register(_cls)
for _cls in (_n.AtomicIntegral, _n.AtomicIntegralView):
    INTEGRAL.register(_cls)
for _cls in (_n.AtomicInt, _n.AtomicIntView):
    INT.register(_cls)
for _cls in (_n.AtomicUint, _n.AtomicUintView):
    UINT.register(_cls)
for _cls in (_n.AtomicBytes, _n.AtomicBytesView):
    BYTES.register(_cls)
for _cls in (_n.AtomicFloat, _n.AtomicFloatView):
    FLOAT.register(_cls)
for _cls in (_n.AtomicBool, _n.AtomicBoolView):
    BOOL.register(_cls)
