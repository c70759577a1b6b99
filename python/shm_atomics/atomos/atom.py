"""atomos.atom's `Atom` (Clojure's atom) and `ARef` (watches), plus Clojure's
validators."""
import threading


class ARef:
    """A reference with watches: `fn(key, ref, old, new)` called after each change."""

    def __init__(self):
        self._watches = {}
        self._watch_lock = threading.Lock()

    def get_watches(self) -> dict:
        """Returns the watches dictionary."""
        return self._watches

    def add_watch(self, key, fn) -> None:
        """Adds (or replaces) the watch `fn` under `key`."""
        with self._watch_lock:
            watches = dict(self._watches)
            watches[key] = fn
            self._watches = watches

    def remove_watch(self, key) -> None:
        """Removes the watch under `key` (if any)."""
        with self._watch_lock:
            watches = dict(self._watches)
            watches.pop(key, None)
            self._watches = watches

    def notify_watches(self, oldval, newval) -> None:
        """Calls every watch with `(key, self, oldval, newval)`."""
        for key, fn in list(self._watches.items()):
            if callable(fn):
                fn(key, self, oldval, newval)


class Atom(ARef):
    """Clojure's atom: shared state changed only by `swap` (a function of the current
    state, retried if another thread changed it meanwhile), `reset` and
    `compare_and_set`. `validator(new)` (optional) must return true for a new state,
    else the change raises `ValueError` and does not happen."""

    def __init__(self, state, validator=None):
        super().__init__()
        if validator is not None and not validator(state):
            raise ValueError("Invalid reference state")
        self._state = state
        self._validator = validator
        self._lock = threading.Lock()

    def __repr__(self):
        return f"<{__name__}.{self.__class__.__name__}({self._state}) object at {hex(id(self))}>"

    def deref(self):
        """Returns the state."""
        return self._state

    def set_validator(self, fn) -> None:
        """Sets the validator (`None` removes it); the current state must pass it."""
        if fn is not None and not fn(self._state):
            raise ValueError("Invalid reference state")
        self._validator = fn

    def get_validator(self):
        """Returns the validator (or `None`)."""
        return self._validator

    def _validate(self, newval) -> None:
        v = self._validator
        if v is not None and not v(newval):
            raise ValueError("Invalid reference state")

    def _cas(self, oldval, newval) -> bool:
        with self._lock:
            if self._state == oldval:
                self._state = newval
                return True
            return False

    def swap(self, fn, *args, **kwargs):
        """Sets the state to `fn(state, *args, **kwargs)` (retried if the state changed
        meanwhile, so `fn` must not mutate its argument in a way that matters); returns
        the new state."""
        while True:
            oldval = self._state
            newval = fn(oldval, *args, **kwargs)
            self._validate(newval)
            if self._cas(oldval, newval):
                self.notify_watches(oldval, newval)
                return newval

    def reset(self, newval):
        """Sets the state to `newval`; returns `newval` (as Clojure's `reset!` and
        atomos after 0.3.1; 0.3.1 returned the previous state)."""
        self._validate(newval)
        with self._lock:
            oldval, self._state = self._state, newval
        self.notify_watches(oldval, newval)
        return newval

    def __reduce__(self):
        raise TypeError(
            "Atom of shm_atomics.atomos.atom lives in this process only and cannot be "
            "pickled or sent to another process: use shm_atomics.atomos.multiprocessing"
            ".atom.Atom (shared memory) instead")

    def compare_and_set(self, oldval, newval) -> bool:
        """Sets the state to `newval` if it equals `oldval`; returns whether it did."""
        self._validate(newval)
        ok = self._cas(oldval, newval)
        if ok:
            self.notify_watches(oldval, newval)
        return ok


__all__ = ["ARef", "Atom"]
