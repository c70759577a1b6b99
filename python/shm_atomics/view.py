"""The view classes (`atomics.view`): what a view context's `__enter__` returns. As in
atomics 1.0.3, every view counts as an `AtomicView` and the integer views as
`AtomicIntegralView` (`isinstance`/`issubclass`)."""
from . import _native as _n
from ._impl.family import Family
from ._native import (AtomicBytesView, AtomicIntView, AtomicUintView, AtomicFloatView,
                      AtomicBoolView)


class AtomicIntegralView(_n.AtomicIntegralView, metaclass=Family):
    """An integer view; `AtomicIntView` and `AtomicUintView` count as one."""
    _family = (_n.AtomicIntegralView, AtomicIntView, AtomicUintView)


class AtomicView(_n.AtomicView, metaclass=Family):
    """A view of type ANY; every view class counts as one."""
    _family = (_n.AtomicView, _n.AtomicIntegralView, AtomicIntView, AtomicUintView,
               AtomicBytesView, AtomicFloatView, AtomicBoolView)


__all__ = ["AtomicView", "AtomicIntegralView", "AtomicBytesView", "AtomicIntView",
           "AtomicUintView", "AtomicFloatView", "AtomicBoolView"]
