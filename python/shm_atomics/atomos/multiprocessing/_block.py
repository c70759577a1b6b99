"""Shared-memory blocks for `shm_atomics.atomos.multiprocessing`: created by one process
(their owner, which unlinks them when its object is closed or collected) and attached
by name in others (which only map and unmap them).

Names are `shma_py_<creator pid>_<random>`, so the blocks of a creator that died
without unlinking (SIGKILL) are found by `collect_orphans()`: a creator is dead when
`kill(pid, 0)` fails with ESRCH, the runtime's liveness rule (same limits: pids are
reused, and every process must share one pid namespace).

Only the creator registers a block with `multiprocessing`'s resource tracker (and
unregisters it when it unlinks); attaching neither registers nor unregisters, so the
tracker's record of the creator's block stays intact whatever the start method.
"""
import mmap
import os
import secrets
from multiprocessing import resource_tracker

import _posixshmem

from ... import atomicview

PREFIX = "shma_py_"
_SHM_DIR = "/dev/shm"


def alive(pid: int) -> bool:
    """Whether process `pid` may still be running (the runtime's rule: dead only when
    `kill(pid, 0)` fails with ESRCH; ids that kill() cannot check, 0 and above
    i32::MAX, count as alive)."""
    if pid <= 0 or pid > 0x7FFF_FFFF:  # not a process id kill() can check: alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: someone else's live process
        return True
    return True


class Block:
    """A mapped shared-memory block: `mm` (an `mmap`), `name`, and views over parts of
    it that are all released by `release()`."""

    __slots__ = ("name", "mm", "_owner_pid", "_held")

    def __init__(self, name, mm, owner_pid):
        self.name = name
        self.mm = mm
        self._owner_pid = owner_pid
        self._held = []

    @classmethod
    def create(cls, size: int) -> "Block":
        """A new zero-filled block of `size` bytes owned by this process."""
        flags = os.O_CREAT | os.O_EXCL | os.O_RDWR
        while True:
            name = f"{PREFIX}{os.getpid()}_{secrets.token_hex(6)}"
            try:
                fd = _posixshmem.shm_open("/" + name, flags, mode=0o600)
                break
            except FileExistsError:
                continue
        try:
            os.ftruncate(fd, size)
            mm = mmap.mmap(fd, size)
        except BaseException:
            _posixshmem.shm_unlink("/" + name)
            raise
        finally:
            os.close(fd)
        resource_tracker.register("/" + name, "shared_memory")
        return cls(name, mm, os.getpid())

    @classmethod
    def attach(cls, name: str) -> "Block":
        """The existing block `name` (this process does not own it)."""
        try:
            fd = _posixshmem.shm_open("/" + name, os.O_RDWR, mode=0o600)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"no shared-memory block {name!r}: its creator closed it or exited (the "
                "creator owns the block; keep the creating object alive while other "
                "processes use it)") from None
        try:
            mm = mmap.mmap(fd, os.fstat(fd).st_size)
        finally:
            os.close(fd)
        return cls(name, mm, 0)

    def view(self, offset: int, width: int, atype):
        """A seed-style atomic view (`atype`: `INT`, `UINT`, `FLOAT`, `BOOL`, `BYTES`)
        over bytes `offset..offset+width`, released by `release()`."""
        whole = memoryview(self.mm)
        part = whole[offset:offset + width]
        ctx = atomicview(buffer=part, atype=atype)
        self._held.append((ctx, part, whole))
        return ctx.__enter__()

    @property
    def owned(self) -> bool:
        """Whether this process created the block (and so unlinks it)."""
        return self._owner_pid == os.getpid()

    def release(self) -> None:
        """Releases the views, unmaps, and unlinks if this process created the block.
        Never raises; idempotent. Views (and their bound methods) that outlive this raise
        `ValueError` when used."""
        held, self._held = self._held, []
        for ctx, part, whole in held:
            try:
                ctx.__exit__(None, None, None)
                part.release()
                whole.release()
            except Exception:  # noqa: BLE001  - a view still exported: the map stays
                pass
        try:
            self.mm.close()
        except Exception:  # noqa: BLE001  - still exported elsewhere: unmapped at exit
            pass
        if self.owned:
            self._owner_pid = 0
            _unlink(self.name)
            try:
                resource_tracker.unregister("/" + self.name, "shared_memory")
            except Exception:  # noqa: BLE001  - no tracker (interpreter shutting down)
                pass


def _unlink(name) -> bool:
    try:
        _posixshmem.shm_unlink("/" + name)
        return True
    except FileNotFoundError:
        return False


def _creator(name: str):
    rest = name[len(PREFIX):]
    pid, _, _ = rest.partition("_")
    return int(pid) if pid.isdigit() else None


def collect_orphans() -> list:
    """Removes the blocks of `shm_atomics.atomos.multiprocessing` objects whose creator
    is dead (killed before it could unlink them); returns their names.

        >>> from shm_atomics.atomos.multiprocessing import collect_orphans
        >>> isinstance(collect_orphans(), list)
        True

    Blocks of live creators are left alone. A creator's pid reused by an unrelated
    process makes its blocks look alive (they are then removed later)."""
    removed = []
    try:
        names = os.listdir(_SHM_DIR)
    except FileNotFoundError:
        return removed
    for name in names:
        if not name.startswith(PREFIX):
            continue
        pid = _creator(name)
        if pid is not None and not alive(pid) and _unlink(name):
            removed.append(name)
    return removed


def orphans() -> list:
    """The names of blocks whose creator is dead (what `collect_orphans` removes)."""
    try:
        names = os.listdir(_SHM_DIR)
    except FileNotFoundError:
        return []
    return [n for n in names if n.startswith(PREFIX)
            and (p := _creator(n)) is not None and not alive(p)]


class BlockOwner:
    """What every object holding a `Block` in `self._block` shares: `close()` and a
    `__del__` that never raises."""

    def close(self) -> None:
        """Releases the shared memory now (the creator also unlinks it); later calls
        raise `ValueError`. Collection does the same."""
        block = self.__dict__.get("_block")
        if block is not None:
            block.release()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001  - __del__ never raises
            pass
