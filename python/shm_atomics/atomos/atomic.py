"""atomos.atomic's classes: `AtomicInteger` (32-bit), `AtomicLong` (64-bit),
`AtomicFloat` (double) and `AtomicBoolean` are lock-free native atomics (pass
`buffer=` to place one in shared memory); `AtomicReference` holds any object."""
import threading

from .._native import (AtomosInteger as AtomicInteger, AtomosLong as AtomicLong,
                       AtomosFloat as AtomicFloat, AtomosBoolean as AtomicBoolean)


class AtomicReference:
    """A reference to any object with atomos' atomic methods (a lock guards the
    reference: Python objects cannot live in shared memory)."""

    __slots__ = ("_value", "_lock")

    def __init__(self, value=None):
        self._value = value
        self._lock = threading.Lock()

    def __repr__(self):
        return (f"<{__name__}.{self.__class__.__name__}({self._value}) object at "
                f"{hex(id(self))}>")

    def get(self):
        """Returns the value."""
        return self._value

    def set(self, value):
        """Sets the value to `value`; returns `value`."""
        with self._lock:
            self._value = value
            return value

    def get_and_set(self, value):
        """Sets the value to `value`; returns the previous value."""
        with self._lock:
            old, self._value = self._value, value
            return old

    def compare_and_set(self, expect, update) -> bool:
        """Sets the value to `update` if it equals `expect` (`==`, as atomos); returns
        whether it did."""
        with self._lock:
            if self._value == expect:
                self._value = update
                return True
            return False


__all__ = ["AtomicReference", "AtomicBoolean", "AtomicInteger", "AtomicLong",
           "AtomicFloat"]
