"""The view classes (`atomics.view`): what a view context's `__enter__` returns."""
from ._native import (AtomicView, AtomicIntegralView, AtomicBytesView, AtomicIntView,
                      AtomicUintView, AtomicFloatView, AtomicBoolView)

__all__ = ["AtomicView", "AtomicIntegralView", "AtomicBytesView", "AtomicIntView",
           "AtomicUintView", "AtomicFloatView", "AtomicBoolView"]
