"""The owned atomic classes (`atomics.base`), plus `AtomicFloat` and `AtomicBool`. As
in atomics 1.0.3, every class counts as an `Atomic` and `AtomicInt`/`AtomicUint` as
`AtomicIntegral` (`isinstance`/`issubclass`); every class can be subclassed."""
from . import _native as _n
from ._impl.family import Family
from ._native import AtomicBytes, AtomicInt, AtomicUint, AtomicFloat, AtomicBool


class AtomicIntegral(_n.AtomicIntegral, metaclass=Family):
    """An atomic integer (`is_signed=` chosen at construction); `AtomicInt` and
    `AtomicUint` count as one."""
    _family = (_n.AtomicIntegral, AtomicInt, AtomicUint)


class Atomic(_n.Atomic, metaclass=Family):
    """An atomic of type ANY; every class of this module counts as one."""
    _family = (_n.Atomic, _n.AtomicIntegral, AtomicInt, AtomicUint, AtomicBytes,
               AtomicFloat, AtomicBool)


__all__ = ["Atomic", "AtomicIntegral", "AtomicBytes", "AtomicInt", "AtomicUint",
           "AtomicFloat", "AtomicBool"]
