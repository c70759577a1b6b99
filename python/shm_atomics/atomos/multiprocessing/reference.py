"""A cross-process `AtomicReference` without a manager process: the value is pickled into
a shared-memory block, guarded by a lock word that holds the holder's pid.

Block layout (little-endian, offsets in bytes)::

    0   u32  lock: 0 when free, else the holder's pid (waiters sleep on this word)
    8   u64  version: +1 per change
    16  u64  active slot (0 or 1)
    24  u64  length of slot 0's pickle      32  u64  length of slot 1's pickle
    40  u64  dead holders taken over        48  u32  the last dead holder's pid
    64  slot 0 (capacity bytes), then slot 1 (capacity bytes)

A change pickles the new value into the inactive slot and then flips `active`, so the
committed value is never torn: a holder killed anywhere inside a change leaves the
previous value (or the new one, once flipped). The next process to lock sees that the
holder is dead (the runtime's liveness rule, `kill(pid, 0)` failing with ESRCH), takes
the lock over, and counts it in `dead_holders` / `last_dead_holder`.

Waiting: a process that finds the lock held sleeps on the lock word (a futex, through
the package's 32-bit `wait`) and is woken by the unlock's `notify_all`; it wakes at
least every 0.1 s to check the holder is alive. Threads of one process first take a
process-local lock, so the pid in the word is enough to name the holder.

A value whose pickle is larger than the slot raises `ValueError` (the slot does not
grow: growing means a new block that every process would have to find and map again
before each access; tmpfs only backs the pages a value touches, so a large `capacity=`
costs nothing until used).
"""
import os
import pickle
import struct
import threading

from ... import UINT
from ._block import Block, BlockOwner, alive

_HEADER = 64
_LOCK, _VERSION, _ACTIVE, _LEN0, _DEAD, _LAST_DEAD = 0, 8, 16, 24, 40, 48
_SLICE = 0.1
DEFAULT_CAPACITY = 1 << 20


def _rebuild(cls, name, state):
    obj = cls.__new__(cls)
    obj._open(Block.attach(name))
    if state:
        obj.__dict__.update(state)
    return obj


class AtomicReference(BlockOwner):
    """A reference to any picklable object, shared by every process that has it (passed
    to a `Process` or `Pool`, or opened by name with `AtomicReference.open(name)`), with
    atomos' methods. `compare_and_set` compares by equality (`==`), as atomos.

        >>> from shm_atomics.atomos.multiprocessing.atomic import AtomicReference
        >>> r = AtomicReference({"n": 0})
        >>> r.compare_and_set({"n": 0}, {"n": 1}), r.get()
        (True, {'n': 1})

    `capacity` is the largest pickle (bytes) a value may take; the creating object owns
    the block and unlinks it when closed or collected.
    """

    _INTERNAL = ("_block", "_lockword", "_tlock", "_tlock_pid", "_tls", "_capacity")

    def __init__(self, value=None, *, capacity=DEFAULT_CAPACITY):
        if not isinstance(capacity, int) or capacity <= 0:
            raise ValueError(f"capacity must be a positive number of bytes, not {capacity!r}")
        data = self._dumps(value, capacity)
        block = Block.create(_HEADER + 2 * capacity)
        self._open(block)
        self._write(data)

    @classmethod
    def open(cls, name):
        """The reference whose block is `name` (its `name` attribute), from any process
        on this machine; the creator keeps owning the block."""
        obj = cls.__new__(cls)
        obj._open(Block.attach(name))
        return obj

    def _open(self, block):
        self._block = block
        self._capacity = (len(block.mm) - _HEADER) // 2
        self._lockword = block.view(_LOCK, 4, UINT)
        self._tlock = threading.Lock()
        self._tlock_pid = os.getpid()
        self._tls = threading.local()

    @property
    def name(self) -> str:
        """The shared-memory block's name (for `AtomicReference.open`)."""
        return self._block.name

    @property
    def capacity(self) -> int:
        """The largest pickled value, in bytes."""
        return self._capacity

    @property
    def dead_holders(self) -> int:
        """How many times a process found the lock held by a dead process and took it
        over (the value stayed consistent)."""
        return struct.unpack_from("<Q", self._block.mm, _DEAD)[0]

    @property
    def last_dead_holder(self) -> int:
        """The pid of the last dead holder taken over (0: none)."""
        return struct.unpack_from("<I", self._block.mm, _LAST_DEAD)[0]

    def __reduce__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in self._INTERNAL}
        return (_rebuild, (type(self), self._block.name, state))

    def __repr__(self):
        try:
            value = self.get()
        except Exception:  # noqa: BLE001
            value = "closed"
        return (f"<{type(self).__module__}.{type(self).__name__}({value}) object at "
                f"{hex(id(self))}>")

    # -- locking ---------------------------------------------------------------------

    def _dumps(self, value, capacity=None):
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        cap = self._capacity if capacity is None else capacity
        if len(data) > cap:
            raise ValueError(
                f"the value pickles to {len(data)} bytes but this {type(self).__name__} "
                f"holds at most {cap}: create it with a larger capacity= (unused "
                "capacity costs no memory)")
        return data

    def _lock(self):
        if getattr(self._tls, "held", False):
            raise RuntimeError(
                f"this thread already holds the {type(self).__name__}'s lock: the "
                "function passed to swap must not use the same reference")
        if self._tlock_pid != os.getpid():  # forked: a fresh lock for this process
            self._tlock = threading.Lock()
            self._tlock_pid = os.getpid()
        self._tlock.acquire()
        try:
            self._lock_shared(os.getpid())
        except BaseException:
            self._tlock.release()
            raise
        self._tls.held = True

    def _lock_shared(self, me):
        word = self._lockword
        while True:
            res = word.cmpxchg_strong(0, me)
            if res.success:
                return
            holder = res.expected
            if holder and not alive(holder):
                if word.cmpxchg_strong(holder, me).success:
                    mm = self._block.mm
                    dead = struct.unpack_from("<Q", mm, _DEAD)[0]
                    struct.pack_into("<Q", mm, _DEAD, dead + 1)
                    struct.pack_into("<I", mm, _LAST_DEAD, holder)
                    return
                continue
            word.wait(holder, timeout=_SLICE)

    def _unlock(self):
        self._tls.held = False
        word = self._lockword
        word.store(0)
        word.notify_all()
        self._tlock.release()

    # -- the value (under the lock) ------------------------------------------------------

    def _read_bytes(self):
        mm = self._block.mm
        active = struct.unpack_from("<Q", mm, _ACTIVE)[0] & 1
        n = struct.unpack_from("<Q", mm, _LEN0 + 8 * active)[0]
        start = _HEADER + active * self._capacity
        return mm[start:start + min(n, self._capacity)]

    def _write(self, data):
        mm = self._block.mm
        slot = 1 - (struct.unpack_from("<Q", mm, _ACTIVE)[0] & 1)
        start = _HEADER + slot * self._capacity
        mm[start:start + len(data)] = data
        struct.pack_into("<Q", mm, _LEN0 + 8 * slot, len(data))
        struct.pack_into("<Q", mm, _ACTIVE, slot)
        version = struct.unpack_from("<Q", mm, _VERSION)[0]
        struct.pack_into("<Q", mm, _VERSION, version + 1)

    def _update(self, fn):
        """Under the lock: `new = fn(old)` stored; returns (old, new)."""
        self._lock()
        try:
            old = pickle.loads(self._read_bytes())
            new = fn(old)
            self._write(self._dumps(new))
        finally:
            self._unlock()
        return old, new

    # -- atomos' methods -------------------------------------------------------------------

    def get(self):
        """Returns (a copy of) the value."""
        self._lock()
        try:
            data = self._read_bytes()
        finally:
            self._unlock()
        return pickle.loads(data)

    def set(self, value):
        """Sets the value to `value`; returns `value`."""
        data = self._dumps(value)
        self._lock()
        try:
            self._write(data)
        finally:
            self._unlock()
        return value

    def get_and_set(self, value):
        """Sets the value to `value`; returns the previous value."""
        data = self._dumps(value)
        self._lock()
        try:
            old = self._read_bytes()
            self._write(data)
        finally:
            self._unlock()
        return pickle.loads(old)

    def compare_and_set(self, expect, update) -> bool:
        """Sets the value to `update` if it equals `expect` (`==`); returns whether it
        did."""
        data = self._dumps(update)
        self._lock()
        try:
            if pickle.loads(self._read_bytes()) != expect:
                return False
            self._write(data)
            return True
        finally:
            self._unlock()


__all__ = ["AtomicReference", "DEFAULT_CAPACITY"]
