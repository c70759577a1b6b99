"""atomos.multiprocessing.atomic's ctypes-typed atomics, lock-free in shared memory:
`AtomicCtypesReference(typecode_or_type, value)`, `AtomicNumber` (adds the arithmetic)
and the fixed-type `AtomicInteger` (C int), `AtomicLong` (64-bit), `AtomicFloat` (a
double; atomos used a C float) and `AtomicBoolean`.

Each object creates a shared-memory block (see `_block`) and pickles as its name, so
passing it to a `Process` (fork, spawn, forkserver) or a `Pool` shares it; the creating
object unlinks the block when it is closed or collected. Subclasses may define their own
`__init__` and attributes (pickled along).

    >>> import ctypes
    >>> from shm_atomics.atomos.multiprocessing.atomic import AtomicNumber
    >>> n = AtomicNumber(typecode_or_type=ctypes.c_int, value=1)
    >>> n.add_and_get(2)
    3
"""
import ctypes
import struct
from multiprocessing import sharedctypes

from ... import BOOL, BYTES, FLOAT, INT, UINT
from ._block import Block, BlockOwner

_INTERNAL = ("_block", "_view", "_typecode", "_width", "_atype")


def _spec(typecode_or_type):
    """(width, atype) of a ctypes type or `multiprocessing` typecode."""
    t = typecode_or_type
    if isinstance(t, str):
        try:
            t = sharedctypes.typecode_to_type[t]
        except KeyError:
            raise ValueError(f"unknown typecode {t!r}: use one of "
                             f"{''.join(sorted(sharedctypes.typecode_to_type))}") from None
    if not (isinstance(t, type) and issubclass(t, ctypes._SimpleCData)):
        raise TypeError("typecode_or_type must be a ctypes scalar type (ctypes.c_int, "
                        f"c_double, c_bool, ...) or its typecode ('i', 'd', ...), not {t!r}")
    width = ctypes.sizeof(t)
    if t is ctypes.c_bool:
        return width, BOOL
    if t is ctypes.c_char:
        return width, BYTES
    if issubclass(t, (ctypes.c_float, ctypes.c_double)):
        return width, FLOAT
    try:
        signed = t(-1).value == -1
    except TypeError:
        raise TypeError(f"{t.__name__} is not a number type: use a ctypes integer, "
                        "float or bool type") from None
    if width not in (1, 2, 4, 8):
        raise TypeError(f"{t.__name__} ({width} bytes) has no lock-free atomic")
    return width, (INT if signed else UINT)


def _rebuild(cls, name, typecode, state):
    obj = cls.__new__(cls)
    obj._open(Block.attach(name), typecode)
    if state:
        obj.__dict__.update(state)
    return obj


class AtomicCtypesReference(BlockOwner):
    """A lock-free value of a ctypes type in shared memory with atomos' methods: `get`,
    `set`, `get_and_set`, `compare_and_set` (integers and bools compare by value,
    floats by bits)."""

    def __init__(self, typecode_or_type=None, value=None):
        if typecode_or_type is None:
            raise TypeError("typecode_or_type is required: a ctypes type such as "
                            "ctypes.c_int, or a typecode such as 'i'")
        width, _ = _spec(typecode_or_type)
        self._open(Block.create(width), typecode_or_type)
        if value is not None:
            self.set(value)

    def _open(self, block, typecode):
        self._width, self._atype = _spec(typecode)
        self._typecode = typecode
        self._block = block
        self._view = block.view(0, self._width, self._atype)

    @property
    def name(self) -> str:
        """The shared-memory block's name."""
        return self._block.name

    def __reduce__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in _INTERNAL}
        return (_rebuild, (type(self), self._block.name, self._typecode, state))

    def __repr__(self):
        try:
            value = self.get()
        except Exception:  # noqa: BLE001
            value = "closed"
        return (f"<{type(self).__module__}.{type(self).__name__}({value}) object at "
                f"{hex(id(self))}>")

    def get(self):
        """Returns the value."""
        return self._view.load()

    def set(self, value):
        """Sets the value to `value`; returns `value`."""
        self._view.store(value)
        return value

    def get_and_set(self, value):
        """Sets the value to `value`; returns the previous value."""
        return self._view.exchange(value)

    def compare_and_set(self, expect, update) -> bool:
        """Sets the value to `update` if it is `expect`; returns whether it did."""
        return self._view.cmpxchg_strong(expect, update).success


class AtomicNumber(AtomicCtypesReference):
    """`AtomicCtypesReference` with atomos' arithmetic: integers wrap at their width
    (as a C integer), floats are rounded to their width."""

    def _add(self, delta):
        """(old, new) after adding `delta`."""
        old = self._view.fetch_add(delta)
        if self._atype is FLOAT:
            new = old + delta
            if self._width == 4:
                new = struct.unpack("f", struct.pack("f", new))[0]
            return old, new
        bits = 8 * self._width
        new = (old + delta) & ((1 << bits) - 1)
        if self._atype is INT and new >> (bits - 1):
            new -= 1 << bits
        return old, new

    def add_and_get(self, delta):
        """Adds `delta`; returns the new value."""
        return self._add(delta)[1]

    def get_and_add(self, delta):
        """Adds `delta`; returns the previous value."""
        return self._add(delta)[0]

    def subtract_and_get(self, delta):
        """Subtracts `delta`; returns the new value."""
        return self._add(-delta)[1]

    def get_and_subtract(self, delta):
        """Subtracts `delta`; returns the previous value."""
        return self._add(-delta)[0]


class AtomicInteger(AtomicNumber):
    """A lock-free C int (32-bit) in shared memory."""

    def __init__(self, value=0):
        super().__init__(typecode_or_type=ctypes.c_int32, value=value)


class AtomicLong(AtomicNumber):
    """A lock-free 64-bit integer in shared memory."""

    def __init__(self, value=0):
        super().__init__(typecode_or_type=ctypes.c_int64, value=value)


class AtomicFloat(AtomicNumber):
    """A lock-free double in shared memory (atomos used a C float)."""

    def __init__(self, value=0.0):
        super().__init__(typecode_or_type=ctypes.c_double, value=float(value))


class AtomicBoolean(AtomicCtypesReference):
    """A lock-free bool in shared memory."""

    def __init__(self, value=False):
        super().__init__(typecode_or_type=ctypes.c_bool, value=bool(value))


__all__ = ["AtomicCtypesReference", "AtomicNumber", "AtomicInteger", "AtomicLong",
           "AtomicFloat", "AtomicBoolean"]
