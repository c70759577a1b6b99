"""Side by side, in one run: the cost of counting one request for Prometheus from
pre-forked worker processes, here (a u64 counter in a shared segment, exported by
`shma serve` or `shm_atomics.prometheus.SegmentCollector`) against prometheus_client's
multiprocess mode (a Counter whose value lives in a per-process mmap'd file in
PROMETHEUS_MULTIPROC_DIR), and the cost of one collection of W workers' counters.

    python python/bench/prometheus_compare.py [--quick]
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import timeit

QUICK = "--quick" in sys.argv
N = 50_000 if QUICK else 500_000
WORKERS = 8

# Each side runs in a child process: prometheus_client reads PROMETHEUS_MULTIPROC_DIR
# when it is imported.
OURS = """
import sys, timeit
from shm_atomics import Layout, Segment
from shm_atomics.prometheus import SegmentCollector
from prometheus_client import CollectorRegistry, generate_latest
d, n, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for w in range(workers):
    Segment.create(f"{d}/w{w}", Layout("Web", [("requests_total", "u64")])).close()
s = Segment.open(f"{d}/w0")
c = s["requests_total"]
inc = min(timeit.repeat(c.inc, number=n, repeat=3)) / n
def collect(paths):
    reg = CollectorRegistry()
    reg.register(SegmentCollector(paths))
    return min(timeit.repeat(lambda: generate_latest(reg), number=20, repeat=3)) / 20
# The W workers share one segment (how it is meant to be used), or have one each.
print(inc, collect(f"{d}/w0"), collect(d))
"""

THEIRS = """
import os, sys, timeit
from prometheus_client import CollectorRegistry, Counter, generate_latest, multiprocess
d, n, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = Counter("requests", "Requests.")
inc = min(timeit.repeat(c.inc, number=n, repeat=3)) / n
# Files as W workers leave them: one per process id (here written by this process
# under W names, as W forked workers would).
import shutil
src = [f for f in os.listdir(d) if f.endswith(".db")][0]
for w in range(1, workers):
    shutil.copy(os.path.join(d, src), os.path.join(d, src.replace(str(os.getpid()), f"9{w}")))
reg = CollectorRegistry()
multiprocess.MultiProcessCollector(reg)
scrape = min(timeit.repeat(lambda: generate_latest(reg), number=20, repeat=3)) / 20
print(inc, scrape, scrape)
"""


def run(code: str, env: dict) -> tuple:
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, **{k: v.replace("{dir}", d) for k, v in env.items()}}
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), d, str(N),
                              str(WORKERS)], env=env, capture_output=True, text=True,
                             timeout=600)
        if out.returncode != 0:
            raise SystemExit(out.stderr)
        return tuple(map(float, out.stdout.split()))


def main() -> None:
    ours = run(OURS, {})
    theirs = run(THEIRS, {"PROMETHEUS_MULTIPROC_DIR": "{dir}"})
    print(f"{'':40} {'shm_atomics':>14} {'prometheus_client mp':>22} {'ratio':>8}")
    for i, what in enumerate(["one increment (Counter.inc / inc())",
                              f"collect {WORKERS} workers (1 shared segment)",
                              f"collect {WORKERS} workers (a segment each)"]):
        unit, scale = ("ns", 1e9) if i == 0 else ("us", 1e6)
        print(f"{what:40} {ours[i] * scale:>11.1f} {unit} {theirs[i] * scale:>19.1f} {unit} "
              f"{theirs[i] / ours[i]:>7.1f}x")


if __name__ == "__main__":
    main()
