"""Python, Rust and C processes incrementing one segment field at the same time (issue
15, section 4): the total is exact. The segment is made by Python from a layout declared
in Python; Rust opens it with its typed layout (`Segment::<Mixed>::open`), C through the
header `Layout.c_header()` renders (its `mixed_segment()` checks the file as Rust does)."""
import shutil
import subprocess
import sys
import textwrap

from shm_atomics import Segment

from layouts import MIXED

C_WORKER = r"""
#include "mixed.h"
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: c_worker FILE OPS WORKERS\n"); return 2; }
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) { perror("open"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    Mixed *s = mixed_segment(map, len);
    if (s == NULL) { fprintf(stderr, "not a ready Mixed segment\n"); return 3; }
    unsigned long long ops = strtoull(argv[2], NULL, 10);
    unsigned workers = (unsigned)strtoul(argv[3], NULL, 10);
    atomic_fetch_add(&s->started, 1);
    while (atomic_load(&s->started) < workers) sched_yield();
    for (unsigned long long i = 0; i < ops; i++) atomic_fetch_add(&s->hits, 1);
    munmap(map, len);
    close(fd);
    return 0;
}
"""

PY_WORKER = textwrap.dedent("""
    import sys, time
    from shm_atomics import Segment
    path, ops, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with Segment.open(path) as s:
        s["started"].inc()
        started, hits = s["started"], s["hits"]
        deadline = time.monotonic() + 60
        while started.load() < workers:
            assert time.monotonic() < deadline, "the other workers never came"
        inc = hits.inc
        for _ in range(ops):
            inc()
""")


def test_python_rust_and_c_processes_on_one_field(open_layout, tmp_path):
    # Proves: every increment by every process lands (exact total) on a field that
    # Python, Rust and C all address through the layout, concurrently.
    gcc = shutil.which("gcc")
    assert gcc, "gcc is needed for the C workers"
    (tmp_path / "mixed.h").write_text(MIXED.c_header())
    (tmp_path / "c_worker.c").write_text(C_WORKER)
    subprocess.run([gcc, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "c_worker.c",
                    "-o", "c_worker"], cwd=tmp_path, check=True)
    path = str(tmp_path / "mixed")
    seg = Segment.create(path, MIXED)
    ops = {"py": 100_000, "rust": 300_000, "c": 300_000}
    per_kind = 2
    workers = 3 * per_kind
    cmds = []
    for _ in range(per_kind):
        cmds.append([sys.executable, "-c", PY_WORKER, path, str(ops["py"]), str(workers)])
        cmds.append([open_layout, "inc", path, str(ops["rust"]), str(workers)])
        cmds.append([str(tmp_path / "c_worker"), path, str(ops["c"]), str(workers)])
    procs = [subprocess.Popen(c, stderr=subprocess.PIPE, text=True) for c in cmds]
    for p, c in zip(procs, cmds):
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, f"{c[0]} failed: {err}"
    expected = per_kind * sum(ops.values())
    assert seg["started"].load() == workers
    assert seg["hits"].load() == expected
    seg.close()
