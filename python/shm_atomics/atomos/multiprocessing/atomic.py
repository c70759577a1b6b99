"""atomos.multiprocessing.atomic's numbers, lock-free in shared memory: each object owns
a `multiprocessing.shared_memory` block (unlinked when the creating object is
collected) and pickles as its block's name, so passing it to a `Process` shares it. No
manager process (atomos goes through one for every call)."""
from multiprocessing import shared_memory, resource_tracker

from ..atomic import AtomicReference  # noqa: F401  (atomos' name; process-local here)
from .. import atomic as _n


def _attach(cls, name):
    return cls(_name=name)


class _Shared:
    _native = None
    _width = 0
    __slots__ = ("_shm", "_buf", "_atomic", "_owner",
                 "get", "set", "get_and_set", "compare_and_set")
    _METHODS = ("get", "set", "get_and_set", "compare_and_set")

    def __init__(self, value=None, *, _name=None):
        if _name is None:
            self._shm = shared_memory.SharedMemory(create=True, size=16)
            self._owner = True
        else:
            self._shm = shared_memory.SharedMemory(name=_name)
            # The creator unlinks the block; the attaching process's resource tracker
            # must not (Python < 3.13 registers every attach).
            try:
                resource_tracker.unregister(self._shm._name, "shared_memory")
            except Exception:  # pragma: no cover - tracker internals vary
                pass
            self._owner = False
        self._buf = self._shm.buf[:self._width]
        self._atomic = self._native(value, buffer=self._buf)
        for name in self._METHODS:
            object.__setattr__(self, name, getattr(self._atomic, name))

    def __del__(self):
        # The native atomic (and its bound methods) hold the buffer: drop them first,
        # then close the block, and unlink it if this process created it.
        for name in self._METHODS + ("_atomic",):
            if hasattr(self, name):
                object.__setattr__(self, name, None)
        if hasattr(self, "_buf"):
            self._buf.release()
            _release(self._shm, self._owner)

    def __reduce__(self):
        return (_attach, (type(self), self._shm.name))

    def __repr__(self):
        return (f"<{__name__}.{self.__class__.__name__}({self._atomic.get()}) object at "
                f"{hex(id(self))}>")


def _release(shm, unlink):
    try:
        shm.close()
    except BufferError:
        pass
    if unlink:
        try:
            shm.unlink()
        except FileNotFoundError:
            pass


class _Number(_Shared):
    __slots__ = ("add_and_get", "get_and_add", "subtract_and_get", "get_and_subtract")
    _METHODS = _Shared._METHODS + ("add_and_get", "get_and_add", "subtract_and_get",
                                   "get_and_subtract")


class AtomicInteger(_Number):
    """A lock-free 32-bit integer in shared memory (atomos' methods)."""
    _native = _n.AtomicInteger
    _width = 4
    __slots__ = ()


class AtomicLong(_Number):
    """A lock-free 64-bit integer in shared memory (atomos' methods)."""
    _native = _n.AtomicLong
    _width = 8
    __slots__ = ()


class AtomicFloat(_Number):
    """A lock-free double in shared memory (atomos' methods)."""
    _native = _n.AtomicFloat
    _width = 8
    __slots__ = ()


class AtomicBoolean(_Shared):
    """A lock-free bool in shared memory (atomos' methods)."""
    _native = _n.AtomicBoolean
    _width = 1
    __slots__ = ()


__all__ = ["AtomicBoolean", "AtomicInteger", "AtomicLong", "AtomicFloat",
           "AtomicReference"]
