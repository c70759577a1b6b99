"""Per-operation cost of shm_atomics against its Python peers, side by side in one run:
`atomicshm` 0.1.0 (a C extension over a buffer), `atomos` (pure Python, a lock per
object, no shared memory) and `atomics` 1.0.3 (the seed, cffi).

Every shared-memory package works on its own 8-byte counter in ONE `SharedMemory`
buffer: shm_atomics through `atomicview(buffer=shm.buf[0:8], atype=INT)`, atomicshm
through `AtomicView(shm.buf).cell_u64(8)` (the fastest form it has), atomics 1.0.3
through its `atomicview` on `shm.buf[16:24]`. Rounds are interleaved (each round times
every operation of every package once) and the median of the rounds is printed, so
machine load affects every column alike; the load average is printed too. The time per
call includes the `timeit` loop (about 5-10 ns on CPython 3.11, shown as `(loop)`).

Where a peer has no such operation, the closest one stands in (named in the table):
atomicshm has no `inc`, no bit tests and returns the previous value from `cas`;
atomos has no bit operations.

    python python/bench/peers.py [--quick] [--rounds N] [--calls N] [--only OP,OP]
"""
import argparse
import os
import statistics
import sys
import timeit
from multiprocessing import shared_memory

import shm_atomics

try:
    import atomicshm
except ImportError:  # pragma: no cover - a peer not installed is left out
    atomicshm = None
try:
    from atomos import atomic as atomos_atomic
except ImportError:  # pragma: no cover
    atomos_atomic = None
try:
    import atomics
except ImportError:  # pragma: no cover
    atomics = None

MASK = (1 << 64) - 1

# (label, shm_atomics statement, atomicshm statement, atomos statement, atomics 1.0.3).
# `a` is the object of each package; `f` a bound method made in `setup`. None: no
# counterpart. The counter is set to 5 before each timing (so `cmpxchg(5, 5)` succeeds;
# `fetch_add(1)` returns ints above CPython's small-int cache, as a counter does).
OPS = [
    ("fetch_add(1)", "a.fetch_add(1)", "a.fetch_add(1)", "a.get_and_add(1)", "a.fetch_add(1)"),
    ("inc()", "a.inc()", "a.fetch_add(1)", "a.add_and_get(1)", "a.inc()"),
    ("load()", "a.load()", "a.load()", "a.get()", "a.load()"),
    ("store(5)", "a.store(5)", "a.store(5)", "a.set(5)", "a.store(5)"),
    ("exchange(5)", "a.exchange(5)", "a.exchange(5)", "a.get_and_set(5)", "a.exchange(5)"),
    ("cmpxchg_strong(5, 5)", "a.cmpxchg_strong(5, 5)", "a.cas(5, 5)",
     "a.compare_and_set(5, 5)", "a.cmpxchg_strong(5, 5)"),
    ("cmpxchg_weak(5, 5)", "a.cmpxchg_weak(5, 5)", "a.cas(5, 5)",
     "a.compare_and_set(5, 5)", "a.cmpxchg_weak(5, 5)"),
    ("cmpxchg kw (expected=5, desired=5)", "a.cmpxchg_strong(expected=5, desired=5)",
     "a.cas(5, 5)", "a.compare_and_set(5, 5)", "a.cmpxchg_strong(expected=5, desired=5)"),
    ("fetch_sub(0)", "a.fetch_sub(0)", "a.fetch_sub(0)", "a.get_and_subtract(0)",
     "a.fetch_sub(0)"),
    ("add(0) (no result)", "a.add(0)", "a.fetch_add(0)", "a.add_and_get(0)", "a.add(0)"),
    ("bin_fetch_or(4)", "a.bin_fetch_or(4)", "a.fetch_or(4)", None, "a.bin_fetch_or(4)"),
    ("bin_fetch_and(7)", "a.bin_fetch_and(7)", "a.fetch_and(7)", None, "a.bin_fetch_and(7)"),
    ("bin_fetch_xor(0)", "a.bin_fetch_xor(0)", "a.fetch_xor(0)", None, "a.bin_fetch_xor(0)"),
    ("bin_or(4)", "a.bin_or(4)", "a.fetch_or(4)", None, "a.bin_or(4)"),
    ("bit_test(2)", "a.bit_test(2)", "a.load()", None, "a.bit_test(2)"),
    ("bit_test_set(2)", "a.bit_test_set(2)", "a.fetch_or(4)", None, "a.bit_test_set(2)"),
    ("bit_test_reset(3)", "a.bit_test_reset(3)", "a.fetch_and(M8)", None,
     "a.bit_test_reset(3)"),
    ("bound f = a.fetch_add; f(1)", "f(1)", "f(1)", "f(1)", "f(1)"),
    ("bound f = a.load; f()", "g()", "g()", "g()", "g()"),
    ("bound f = a.cmpxchg_strong; f(5, 5)", "h(5, 5)", "h(5, 5)", "h(5, 5)", "h(5, 5)"),
]

BOUND = {  # names of the bound methods `f`, `g`, `h` per package
    "shm_atomics": ("fetch_add", "load", "cmpxchg_strong"),
    "atomicshm": ("fetch_add", "load", "cas"),
    "atomos": ("get_and_add", "get", "compare_and_set"),
    "atomics": ("fetch_add", "load", "cmpxchg_strong"),
}


def objects(shm):
    """The counter object of each installed package, and what to close at the end."""
    out, closers = {}, []
    ctx = shm_atomics.atomicview(buffer=shm.buf[0:8], atype=shm_atomics.INT)
    out["shm_atomics"] = ctx.__enter__()
    closers.append(lambda: ctx.__exit__(None, None, None))
    if atomicshm is not None:
        view = atomicshm.AtomicView(shm.buf)
        out["atomicshm"] = view.cell_u64(8)
        closers.append(view.close)
    if atomos_atomic is not None:
        out["atomos"] = atomos_atomic.AtomicLong(5)
    if atomics is not None:
        actx = atomics.atomicview(buffer=shm.buf[16:24], atype=atomics.INT)
        out["atomics"] = actx.__enter__()
        closers.append(lambda: actx.__exit__(None, None, None))
    return out, closers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20,000 calls, 3 rounds")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--only", default="", help="comma-separated labels' prefixes")
    args = ap.parse_args()
    calls, rounds = (20_000, 3) if args.quick else (args.calls, args.rounds)
    only = [p for p in args.only.split(",") if p]
    ops = [op for op in OPS if not only or any(op[0].startswith(p) for p in only)]

    shm = shared_memory.SharedMemory(create=True, size=64)
    try:
        objs, closers = objects(shm)
        pkgs = list(objs)
        col = {"shm_atomics": 1, "atomicshm": 2, "atomos": 3, "atomics": 4}
        times = {(op[0], p): [] for op in ops for p in pkgs}
        loop = []
        load0 = os.getloadavg()
        for _ in range(rounds):
            loop.append(min(timeit.repeat("pass", number=calls, repeat=1)) / calls)
            for op in ops:
                for p in pkgs:
                    stmt = op[col[p]]
                    if stmt is None:
                        continue
                    a = objs[p]
                    fn, gn, hn = BOUND[p]
                    g = {"a": a, "f": getattr(a, fn), "g": getattr(a, gn),
                         "h": getattr(a, hn), "M8": ~8 & MASK}
                    # atomics 1.0.3 costs microseconds a call: fewer calls, same rounds.
                    n = calls if p != "atomics" else max(calls // 50, 1_000)
                    (a.set if p == "atomos" else a.store)(5)
                    times[(op[0], p)].append(timeit.timeit(stmt, globals=g, number=n) / n)
        load1 = os.getloadavg()
        for c in closers:
            c()
    finally:
        shm.close()
        shm.unlink()

    peers = [p for p in pkgs if p != "shm_atomics"]
    print(f"CPython {sys.version.split()[0]}, {calls} calls x median of {rounds} "
          f"interleaved rounds; load average {load0[0]:.2f} before, {load1[0]:.2f} after")
    print(f"(loop) empty timeit loop: {statistics.median(loop) * 1e9:.1f} ns per call")
    head = f"{'operation':<38}{'shm_atomics':>12}"
    for p in peers:
        head += f"{p:>12}"
    if "atomicshm" in peers:
        head += f"{'ours/atomicshm':>16}"
    if "atomos" in peers:
        head += f"{'ours/atomos':>13}"
    print(head)
    for op in ops:
        ours = statistics.median(times[(op[0], "shm_atomics")])
        line = f"{op[0]:<38}{ours * 1e9:>9.1f} ns"
        med = {}
        for p in peers:
            t = times[(op[0], p)]
            if t:
                med[p] = statistics.median(t)
                v = med[p] * 1e9
                line += f"{v:>9.1f} ns" if v < 1e4 else f"{v / 1e3:>9.2f} us"
            else:
                line += f"{'-':>12}"
        if "atomicshm" in peers:
            line += f"{ours / med['atomicshm']:>15.2f}x" if "atomicshm" in med else f"{'-':>16}"
        if "atomos" in peers:
            line += f"{ours / med['atomos']:>12.2f}x" if "atomos" in med else f"{'-':>13}"
        print(line)
    print("Peers' stand-ins: atomicshm `inc` = fetch_add(1), `add` = fetch_add, `cmpxchg` = "
          "cas, `bit_test` = load, `bit_test_set` = fetch_or, `bit_test_reset` = fetch_and; "
          "atomos has no bit operations (-).")


if __name__ == "__main__":
    main()
