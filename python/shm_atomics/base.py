"""The owned atomic classes (`atomics.base`), plus `AtomicFloat` and `AtomicBool`."""
from ._native import (Atomic, AtomicIntegral, AtomicBytes, AtomicInt, AtomicUint,
                      AtomicFloat, AtomicBool)

__all__ = ["Atomic", "AtomicIntegral", "AtomicBytes", "AtomicInt", "AtomicUint",
           "AtomicFloat", "AtomicBool"]
