"""N pre-forked worker processes count requests in ONE shared segment; one endpoint
serves the totals to Prometheus through prometheus_client (docs/EXPORT.md).

    python python/examples/prometheus_workers.py            # run, scrape once, exit
    python python/examples/prometheus_workers.py --serve    # keep serving on :8000

Each worker opens the segment and counts with `inc()` (one atomic add, no lock, no
file per process); the parent registers `SegmentCollector` over the segment and serves
`/metrics`. The same segment can be served by `shma serve` instead, without Python.
"""
import multiprocessing
import shutil
import sys
import tempfile
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import REGISTRY, make_wsgi_app

from shm_atomics import Layout, Segment
from shm_atomics.prometheus import SegmentCollector

WORKERS = 4
REQUESTS = 10_000

WEB = Layout("Web", [("requests_total", "u64"), ("errors_total", "u64"),
                     ("busy_workers", "u32")])


def worker(path: str, n: int) -> None:
    """One pre-forked worker: handles `n` requests, every 100th an error."""
    with Segment.open(path) as s:
        requests, errors, busy = s["requests_total"], s["errors_total"], s["busy_workers"]
        busy.inc()
        for i in range(n):
            requests.inc()
            if i % 100 == 0:
                errors.inc()
        busy.dec()


def main() -> None:
    d = tempfile.mkdtemp(prefix="shma-example-")
    try:
        run(f"{d}/web")
    finally:
        shutil.rmtree(d)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def run(path: str) -> None:
    Segment.create(path, WEB).close()
    procs = [multiprocessing.Process(target=worker, args=(path, REQUESTS))
             for _ in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0, "a worker failed"

    REGISTRY.register(SegmentCollector(path))
    port = 8000 if "--serve" in sys.argv else 0
    server = make_server("127.0.0.1", port, make_wsgi_app(), handler_class=_Quiet)
    url = f"http://127.0.0.1:{server.server_port}/metrics"
    if "--serve" in sys.argv:
        print(f"serving {url}; Ctrl-C to stop")
        server.serve_forever()
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    lines = [line for line in text.splitlines() if line.startswith("shma_web_")]
    print("\n".join(lines))
    assert f'shma_web_requests_total{{path="requests_total",segment="web"}} ' \
           f'{float(WORKERS * REQUESTS)}' in text
    server.shutdown()


if __name__ == "__main__":
    main()
