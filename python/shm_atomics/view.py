"""The view classes (`atomics.view`): what a view context's `__enter__` returns. As in
atomics 1.0.3, every view counts as an `AtomicView` and the integer views as
`AtomicIntegralView` (`isinstance`/`issubclass`)."""
from . import _native as _n
from ._impl.family import family
from ._native import (AtomicBytesView, AtomicIntView, AtomicUintView, AtomicFloatView,
                      AtomicBoolView)

AtomicIntegralView = family(_n.AtomicIntegralView, (AtomicIntView, AtomicUintView),
                            "An integer view; `AtomicIntView` and `AtomicUintView` count "
                            "as one.")
AtomicView = family(_n.AtomicView, (_n.AtomicIntegralView, AtomicIntView, AtomicUintView,
                                    AtomicBytesView, AtomicFloatView, AtomicBoolView),
                    "Any view; every view class counts as one.")
AtomicIntegralView.__module__ = AtomicView.__module__ = __name__

__all__ = ["AtomicView", "AtomicIntegralView", "AtomicBytesView", "AtomicIntView",
           "AtomicUintView", "AtomicFloatView", "AtomicBoolView"]
