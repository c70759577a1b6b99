"""The seed README's examples with only the import changed (`import shm_atomics as
atomics`), checking exact totals (proves the package runs seed code unchanged)."""
import shm_atomics as atomics
from threading import Thread
from multiprocessing import Process, shared_memory


def fn_thread(ai: atomics.INTEGRAL, n: int) -> None:
    for _ in range(n):
        ai.inc()


def test_multi_threading_example():
    a = atomics.atomic(width=4, atype=atomics.INT)
    total = 10_000
    t1 = Thread(target=fn_thread, args=(a, total // 2))
    t2 = Thread(target=fn_thread, args=(a, total // 2))
    t1.start(), t2.start()
    t1.join(), t2.join()
    assert a.load() == total


def fn_process(shmem_name: str, width: int, n: int) -> None:
    shmem = shared_memory.SharedMemory(name=shmem_name)
    buf = shmem.buf[:width]
    with atomics.atomicview(buffer=buf, atype=atomics.INT) as a:
        for _ in range(n):
            a.inc()
    del buf
    shmem.close()


def test_multi_processing_example():
    width = 4
    shmem = shared_memory.SharedMemory(create=True, size=width)
    buf = shmem.buf[:width]
    total = 10_000
    p1 = Process(target=fn_process, args=(shmem.name, width, total // 2))
    p2 = Process(target=fn_process, args=(shmem.name, width, total // 2))
    p1.start(), p2.start()
    p1.join(), p2.join()
    assert p1.exitcode == 0 and p2.exitcode == 0
    with atomics.atomicview(buffer=buf, atype=atomics.INT) as a:
        assert a.load() == total
    del buf
    shmem.close()
    shmem.unlink()


def fn_widths(shmem_name: str, n: int) -> None:
    shmem = shared_memory.SharedMemory(name=shmem_name)
    views = [shmem.buf[0:1], shmem.buf[2:4], shmem.buf[4:8], shmem.buf[8:16]]
    if atomics.is_lock_free(16):
        views.append(shmem.buf[16:32])
    ctxs = [atomics.atomicview(buffer=b, atype=atomics.UINT) for b in views]
    opened = [c.__enter__() for c in ctxs]
    for _ in range(n):
        for a in opened:
            a.fetch_add(3)
    for c in ctxs:
        c.__exit__(None, None, None)
    del views, opened, ctxs
    shmem.close()


def test_four_processes_every_width_exact_totals():
    """Every width (16 where lock-free) over shared memory, 4 processes: exact wrapping
    totals (a lost update would show)."""
    shmem = shared_memory.SharedMemory(create=True, size=32)
    n, procs = 2_000, 4
    ps = [Process(target=fn_widths, args=(shmem.name, n)) for _ in range(procs)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
        assert p.exitcode == 0
    total = 3 * n * procs
    expect = [(1, 0, 1), (2, 2, 4), (4, 4, 8), (8, 8, 16)]
    if atomics.is_lock_free(16):
        expect.append((16, 16, 32))
    for width, lo, hi in expect:
        got = int.from_bytes(bytes(shmem.buf[lo:hi]), "little")
        assert got == total % (1 << (8 * width)), width
    shmem.close()
    shmem.unlink()
