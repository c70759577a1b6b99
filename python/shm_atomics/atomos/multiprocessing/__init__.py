"""atomos.multiprocessing's counterpart: `shm_atomics.atomos.multiprocessing.atomic`."""
