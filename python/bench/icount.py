"""Machine instructions per call of shm_atomics and atomicshm, counted by callgrind (no
timing noise: the count is the same on a loaded machine). Each operation runs N times
in a plain `for` loop; callgrind dumps its counters at every `os.getppid()` (the marker
between segments), and an empty loop's count is subtracted, so a row is the cost of
the call alone (CPython's dispatch of the call included).

    valgrind --tool=callgrind --dump-before=os_getppid --callgrind-out-file=/tmp/ic.%p \
        python python/bench/icount.py run
    python python/bench/icount.py report /tmp/ic.<pid>

or `python python/bench/icount.py` to do both (valgrind on the PATH). Statements are
those of peers.py (shm_atomics and atomicshm columns).
"""
import glob
import os
import subprocess
import sys
import tempfile

N = 20_000


def segments():
    """(label, package, statement) in run order, with the empty loop first."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import peers  # noqa: E402 - the same statements as the timing table

    out = [("(empty loop)", "-", "pass")]
    for op in peers.OPS:
        out.append((op[0], "shm_atomics", op[1]))
        out.append((op[0], "atomicshm", op[2]))
    return out, peers


def run():
    segs, peers = segments()
    from multiprocessing import shared_memory

    shm = shared_memory.SharedMemory(create=True, size=64)
    try:
        objs, closers = peers.objects(shm)
        for _label, pkg, stmt in segs:
            p = pkg if pkg != "-" else "shm_atomics"
            a = objs[p]
            fn, gn, hn = peers.BOUND[p]
            env = {"a": a, "f": getattr(a, fn), "g": getattr(a, gn), "h": getattr(a, hn),
                   "M8": ~8 & peers.MASK}
            code = f"def loop():\n    for _ in range({N}):\n        {stmt}\n"
            exec(code, env)
            a.store(5)
            env["loop"]()  # warm up (specialization, caches), not counted apart
            a.store(5)
            os.getppid()  # dump: the timed loop starts here
            env["loop"]()
            os.getppid()  # and ends here
        for c in closers:
            c()
    finally:
        shm.close()
        shm.unlink()


def totals(path):
    for line in open(path):
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise ValueError(f"no totals in {path}")


def report(prefix):
    segs, _ = segments()
    files = sorted(glob.glob(prefix + ".*"), key=lambda f: int(f.rsplit(".", 1)[1]))
    # Dump k holds what ran between markers k-1 and k: dumps 2, 4, ... are the timed
    # loops (one marker before and one after each), the odd ones set-up and warm-up.
    counts = [totals(f) for f in files[1:2 * len(segs):2]]
    base = counts[0] / N
    print(f"instructions per call (callgrind, {N} calls, empty loop {base:.0f} subtracted)")
    print(f"{'operation':<38}{'shm_atomics':>12}{'atomicshm':>12}{'ratio':>8}")
    rows = {}
    for (label, pkg, _), c in zip(segs[1:], counts[1:]):
        rows.setdefault(label, {})[pkg] = c / N - base
    for label, r in rows.items():
        ours, peer = r.get("shm_atomics"), r.get("atomicshm")
        ratio = f"{ours / peer:>7.2f}x" if ours and peer else ""
        print(f"{label:<38}{ours:>12.0f}{peer:>12.0f}{ratio}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        run()
    elif len(sys.argv) > 2 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        d = tempfile.mkdtemp()
        prefix = os.path.join(d, "ic")
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=os_getppid",
                        f"--callgrind-out-file={prefix}", sys.executable,
                        os.path.abspath(__file__), "run"], check=True,
                       stderr=subprocess.DEVNULL)
        report(prefix)


if __name__ == "__main__":
    main()
