"""atomos.multiprocessing.atom's `Atom`, without a manager process: the state lives in a
shared `AtomicReference` (pickled into shared memory), so every process that has the
atom (passed to a `Process` or `Pool`, or opened with `Atom.open(name)`) sees one state.

    >>> from shm_atomics.atomos.multiprocessing.atom import Atom
    >>> a = Atom(0)
    >>> a.swap(lambda n, k: n + k, 5)
    5

`swap` runs its function once, holding the atom's lock (a function that uses the same
atom raises `RuntimeError`); the validator runs there too. Watches are per process, as
callbacks are: they run in the process that made the change. The validator is pickled
with the atom (it must then be picklable: a module-level function)."""
from ..atom import ARef
from .reference import DEFAULT_CAPACITY, AtomicReference


def _rebuild(cls, ref, validator):
    obj = cls.__new__(cls)
    ARef.__init__(obj)
    obj._state = ref
    obj._validator = validator
    return obj


class Atom(ARef):
    """Clojure's atom shared between processes: `deref`, `swap`, `reset`,
    `compare_and_set` (by equality), watches and a validator, as
    `shm_atomics.atomos.atom.Atom`. `capacity` bounds the state's pickle (bytes)."""

    def __init__(self, state, validator=None, *, capacity=DEFAULT_CAPACITY):
        super().__init__()
        if validator is not None and not validator(state):
            raise ValueError("Invalid reference state")
        self._validator = validator
        self._state = AtomicReference(state, capacity=capacity)

    @classmethod
    def open(cls, name, validator=None):
        """The atom whose shared block is `name` (its `name` attribute)."""
        return _rebuild(cls, AtomicReference.open(name), validator)

    @property
    def name(self) -> str:
        """The shared-memory block's name (for `Atom.open`)."""
        return self._state.name

    @property
    def reference(self) -> AtomicReference:
        """The shared reference holding the state (its `dead_holders` count included)."""
        return self._state

    def close(self) -> None:
        """Releases the shared memory now (the creator also unlinks it)."""
        self._state.close()

    def __reduce__(self):
        return (_rebuild, (type(self), self._state, self._validator))

    def __repr__(self):
        return (f"<{__name__}.{type(self).__name__}({self._state.get()}) object at "
                f"{hex(id(self))}>")

    def deref(self):
        """Returns (a copy of) the state."""
        return self._state.get()

    def set_validator(self, fn) -> None:
        """Sets the validator (`None` removes it); the current state must pass it."""
        if fn is not None and not fn(self.deref()):
            raise ValueError("Invalid reference state")
        self._validator = fn

    def get_validator(self):
        """Returns the validator (or `None`)."""
        return self._validator

    def _checked(self, fn):
        def step(old):
            new = fn(old)
            v = self._validator
            if v is not None and not v(new):
                raise ValueError("Invalid reference state")
            return new
        return step

    def swap(self, fn, *args, **kwargs):
        """Sets the state to `fn(state, *args, **kwargs)` (called once, under the lock);
        returns the new state."""
        old, new = self._state._update(self._checked(lambda s: fn(s, *args, **kwargs)))
        self.notify_watches(old, new)
        return new

    def reset(self, newval):
        """Sets the state to `newval`; returns `newval` (as Clojure's `reset!`)."""
        old, _ = self._state._update(self._checked(lambda _s: newval))
        self.notify_watches(old, newval)
        return newval

    def compare_and_set(self, oldval, newval) -> bool:
        """Sets the state to `newval` if it equals `oldval`; returns whether it did."""
        v = self._validator
        if v is not None and not v(newval):
            raise ValueError("Invalid reference state")
        ok = self._state.compare_and_set(oldval, newval)
        if ok:
            self.notify_watches(oldval, newval)
        return ok


__all__ = ["Atom"]
