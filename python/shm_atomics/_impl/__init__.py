"""Implementation modules of shm_atomics (the seed's `atomics._impl` layout)."""
