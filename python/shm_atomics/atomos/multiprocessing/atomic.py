"""atomos.multiprocessing.atomic's classes, shared between processes without a manager
process: `AtomicReference` (any picklable value, pickled into shared memory),
`AtomicCtypesReference` and `AtomicNumber` (a ctypes-typed value, lock-free), and the
lock-free `AtomicInteger`, `AtomicLong`, `AtomicFloat`, `AtomicBoolean`. Each object
creates a shared-memory block, pickles as its name (so passing it to a `Process` or a
`Pool` shares it) and unlinks it when the creating object is closed or collected;
`collect_orphans()` removes the blocks of creators killed before they could.

`AtomicManager` is `multiprocessing.managers.BaseManager` with `AtomicReference`
registered, for code that starts one; nothing here needs it.

    >>> from shm_atomics.atomos.multiprocessing.atomic import AtomicInteger
    >>> AtomicInteger(41).add_and_get(1)
    42
"""
from multiprocessing.managers import BaseManager

from ._block import collect_orphans
from .numbers import (AtomicBoolean, AtomicCtypesReference, AtomicFloat, AtomicInteger,
                      AtomicLong, AtomicNumber)
from .reference import AtomicReference


class AtomicManager(BaseManager):
    """atomos' manager class (a `BaseManager` with `AtomicReference` registered). Not
    needed: every class of this module is shared without a manager process."""


AtomicManager.register("AtomicReference", AtomicReference,
                       exposed=["get", "set", "get_and_set", "compare_and_set", "__repr__"])

__all__ = ["AtomicReference", "AtomicCtypesReference", "AtomicNumber", "AtomicBoolean",
           "AtomicInteger", "AtomicLong", "AtomicFloat", "AtomicManager",
           "collect_orphans"]
