"""Side by side, in one run: per-operation cost of shm_atomics against the seed
(`atomics` 1.0.3) for inc, fetch_add, load, store and cmpxchg, and 2 processes x N
`inc` throughput on one shared-memory counter. Prints the ratios.

    python python/bench/compare.py [--quick]
"""
import sys
import time
import timeit
from multiprocessing import Process, shared_memory

import atomics
import shm_atomics

QUICK = "--quick" in sys.argv
N_OPS = 20_000 if QUICK else 200_000
N_INC = 50_000 if QUICK else 500_000


def per_op(mod):
    a = mod.atomic(width=8, atype=mod.INT)
    out = {}
    for name, stmt in [("inc", "a.inc()"), ("fetch_add", "a.fetch_add(1)"),
                       ("load", "a.load()"), ("store", "a.store(5)"),
                       ("cmpxchg", "a.cmpxchg_strong(expected=5, desired=5)")]:
        n = N_OPS if mod is shm_atomics else max(N_OPS // 20, 2_000)
        best = min(timeit.repeat(stmt, globals={"a": a}, number=n, repeat=3)) / n
        out[name] = best
    return out


def worker(modname, shm_name, n):
    mod = atomics if modname == "atomics" else shm_atomics
    shm = shared_memory.SharedMemory(name=shm_name)
    buf = shm.buf[:8]
    with mod.atomicview(buffer=buf, atype=mod.INT) as a:
        for _ in range(n):
            a.inc()
    del buf
    shm.close()


def throughput(modname, n):
    shm = shared_memory.SharedMemory(create=True, size=8)
    ps = [Process(target=worker, args=(modname, shm.name, n)) for _ in range(2)]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    dt = time.perf_counter() - t0
    total = int.from_bytes(bytes(shm.buf[:8]), sys.byteorder, signed=True)
    shm.close()
    shm.unlink()
    assert total == 2 * n, (modname, total)
    return 2 * n / dt


def main():
    seed, ours = per_op(atomics), per_op(shm_atomics)
    print(f"{'op':<10} {'atomics 1.0.3':>14} {'shm_atomics':>12} {'ratio':>8}")
    for k in seed:
        print(f"{k:<10} {seed[k] * 1e9:>11.0f} ns {ours[k] * 1e9:>9.0f} ns {seed[k] / ours[k]:>7.1f}x")
    n_seed = max(N_INC // 10, 20_000)
    ts = throughput("atomics", n_seed)
    to = throughput("shm_atomics", N_INC)
    print(f"2 processes x inc: atomics {ts / 1e6:.2f} M/s ({n_seed} each), "
          f"shm_atomics {to / 1e6:.2f} M/s ({N_INC} each), ratio {to / ts:.1f}x "
          "(process start-up included for both)")


if __name__ == "__main__":
    main()
