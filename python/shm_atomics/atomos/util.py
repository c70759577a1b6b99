"""atomos.util's helpers: `synchronized` (a function that runs under its own lock),
`ReadersWriterLock` (threads) and `ReadersWriterLockMultiprocessing` (processes), each
with a `shared` and an `exclusive` lock object usable as context managers.

    >>> from shm_atomics.atomos.util import ReadersWriterLock
    >>> rw = ReadersWriterLock()
    >>> with rw.shared:
    ...     pass  # any number of readers at once
    >>> with rw.exclusive:
    ...     pass  # one writer, no readers
"""
import functools
import multiprocessing
import threading


def repr(module, instance, value):  # noqa: A001  (atomos' name)
    """atomos' repr format: `<module.Class(value) object at 0x...>`."""
    return (f"<{module}.{instance.__class__.__name__}({value}) object at "
            f"{hex(id(instance))}>")


def synchronized(fn):
    """Decorates `fn` so that one call at a time runs (a lock per decorated function).

        >>> @synchronized
        ... def inc(box):
        ...     box[0] += 1
        >>> box = [0]; inc(box); box
        [1]
    """
    lock = threading.Lock()

    @functools.wraps(fn)
    def decorated(*args, **kwargs):
        with lock:
            return fn(*args, **kwargs)

    return decorated


class _Side:
    """One side (`shared` or `exclusive`) of a readers-writer lock: `acquire()`,
    `release()`, and a context manager."""

    __slots__ = ("acquire", "release")

    def __init__(self, acquire, release):
        self.acquire = acquire
        self.release = release

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


class _ReadersWriter:
    """The readers-writer protocol over a counter guard, a writer lock and a reader
    count: the first reader takes the writer lock, the last one gives it back. The
    writer lock may be released by another thread (or process) than the one that took
    it, as atomos allows."""

    def __init__(self):
        self.shared = _Side(self._acquire_shared, self._release_shared)
        self.exclusive = _Side(self._writer_lock.acquire, self._writer_lock.release)

    def _count(self):
        raise NotImplementedError

    def _add(self, delta):
        raise NotImplementedError

    def _acquire_shared(self):
        with self._reader_lock:
            if self._count() == 0:
                self._writer_lock.acquire()
            self._add(1)

    def _release_shared(self):
        with self._reader_lock:
            if self._count() <= 0:
                raise RuntimeError("shared lock released more often than acquired")
            self._add(-1)
            if self._count() == 0:
                self._writer_lock.release()


class ReadersWriterLock(_ReadersWriter):
    """A readers-writer lock for threads: any number of `shared` holders, or one
    `exclusive` holder. `_reader_count` is the number of shared holders.

        >>> rw = ReadersWriterLock()
        >>> rw.shared.acquire(); rw._reader_count
        1
        >>> rw.shared.release()
    """

    def __init__(self):
        self._reader_lock = threading.Lock()
        self._writer_lock = threading.Lock()
        self._reader_count = 0
        super().__init__()

    def _count(self):
        return self._reader_count

    def _add(self, delta):
        self._reader_count += delta


class ReadersWriterLockMultiprocessing(_ReadersWriter):
    """A readers-writer lock shared with child processes (pass it to them when starting
    them, as any `multiprocessing` lock): `_reader_count.value` is the number of shared
    holders.

        >>> rw = ReadersWriterLockMultiprocessing()
        >>> with rw.exclusive:
        ...     pass
    """

    def __init__(self):
        self._reader_lock = multiprocessing.Lock()
        self._writer_lock = multiprocessing.Lock()
        self._reader_count = multiprocessing.Value("i", 0, lock=False)
        super().__init__()

    def _count(self):
        return self._reader_count.value

    def _add(self, delta):
        self._reader_count.value += delta

    def __getstate__(self):
        return (self._reader_lock, self._writer_lock, self._reader_count)

    def __setstate__(self, state):
        self._reader_lock, self._writer_lock, self._reader_count = state
        _ReadersWriter.__init__(self)


__all__ = ["synchronized", "ReadersWriterLock", "ReadersWriterLockMultiprocessing"]
