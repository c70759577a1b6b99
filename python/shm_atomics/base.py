"""The owned atomic classes (`atomics.base`), plus `AtomicFloat` and `AtomicBool`. As
in atomics 1.0.3, every class counts as an `Atomic` and `AtomicInt`/`AtomicUint` as
`AtomicIntegral` (`isinstance`/`issubclass`); every class can be subclassed."""
from . import _native as _n
from ._impl.family import family
from ._native import AtomicBytes, AtomicInt, AtomicUint, AtomicFloat, AtomicBool

AtomicIntegral = family(_n.AtomicIntegral, (AtomicInt, AtomicUint),
                        "An atomic integer; `AtomicInt` and `AtomicUint` count as one.")
Atomic = family(_n.Atomic, (_n.AtomicIntegral, AtomicInt, AtomicUint, AtomicBytes,
                            AtomicFloat, AtomicBool),
                "Any owned atomic; every class of this module counts as one.")
AtomicIntegral.__module__ = Atomic.__module__ = __name__

__all__ = ["Atomic", "AtomicIntegral", "AtomicBytes", "AtomicInt", "AtomicUint",
           "AtomicFloat", "AtomicBool"]
