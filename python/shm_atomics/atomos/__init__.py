"""atomos' API on shm_atomics: `shm_atomics.atomos.atomic` (AtomicInteger, AtomicLong,
AtomicFloat, AtomicBoolean lock-free; AtomicReference), `shm_atomics.atomos.atom`
(Atom, ARef) and `shm_atomics.atomos.multiprocessing.atomic` (the same numbers in shared
memory, passed to other processes by pickling)."""
from . import atomic, atom, util  # noqa: F401

__all__ = ["atomic", "atom", "util"]
