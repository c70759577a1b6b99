"""atomos.atomic's classes: `AtomicInteger` (32-bit), `AtomicLong` (64-bit),
`AtomicFloat` (double) and `AtomicBoolean` are lock-free native atomics (pass
`buffer=` to place one in shared memory); `AtomicReference` holds any object."""
import abc
import threading

from .._native import (AtomosInteger as AtomicInteger, AtomosLong as AtomicLong,
                       AtomosFloat as AtomicFloat, AtomosBoolean as AtomicBoolean)


_LOCAL = ("{name} of shm_atomics.atomos.atomic lives in this process only and cannot "
          "be pickled or sent to another process: use shm_atomics.atomos.multiprocessing"
          ".atomic.{name} (shared memory) instead")


class AtomicReference(metaclass=abc.ABCMeta):
    """A reference to any object with atomos' atomic methods, for the threads of this
    process (a lock guards it; pickling raises `TypeError`: share one between processes
    with `shm_atomics.atomos.multiprocessing.atomic.AtomicReference`)."""

    __slots__ = ("_value", "_lock")

    def __init__(self, value=None):
        self._value = value
        self._lock = threading.Lock()

    def __repr__(self):
        return (f"<{__name__}.{self.__class__.__name__}({self._value}) object at "
                f"{hex(id(self))}>")

    def __reduce__(self):
        raise TypeError(_LOCAL.format(name=type(self).__name__))

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


class AtomicNumber(AtomicReference):
    """atomos' number base class: any Python number under a lock, with atomos'
    arithmetic; subclass it (set `self._value` in `__init__`, as atomos' subclasses do).
    The lock-free `AtomicInteger`, `AtomicLong` and `AtomicFloat` count as its
    subclasses (`isinstance` and `issubclass` say so).

        >>> class Counter(AtomicNumber):
        ...     def __init__(self, value=0):
        ...         super().__init__()
        ...         self._value = value
        >>> Counter(1).add_and_get(2)
        3
    """

    __slots__ = ()

    def __init__(self, value=0):
        super().__init__(value)

    def add_and_get(self, delta):
        """Adds `delta`; returns the new value."""
        with self._lock:
            self._value += delta
            return self._value

    def get_and_add(self, delta):
        """Adds `delta`; returns the previous value."""
        with self._lock:
            old = self._value
            self._value = old + delta
            return old

    def subtract_and_get(self, delta):
        """Subtracts `delta`; returns the new value."""
        with self._lock:
            self._value -= delta
            return self._value

    def get_and_subtract(self, delta):
        """Subtracts `delta`; returns the previous value."""
        with self._lock:
            old = self._value
            self._value = old - delta
            return old


for _cls in (AtomicInteger, AtomicLong, AtomicFloat):
    AtomicNumber.register(_cls)
AtomicReference.register(AtomicBoolean)

__all__ = ["AtomicReference", "AtomicNumber", "AtomicBoolean", "AtomicInteger", "AtomicLong",
           "AtomicFloat"]
