"""atomos.multiprocessing's counterpart: `shm_atomics.atomos.multiprocessing.atomic` and
`.atom`, shared between processes without a manager process; `collect_orphans()`
removes the shared-memory blocks of creators that were killed."""
from ._block import collect_orphans, orphans  # noqa: F401

__all__ = ["collect_orphans", "orphans"]
