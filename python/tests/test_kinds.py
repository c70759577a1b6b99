"""Beyond the seed: width 16, FLOAT and BOOL kinds, views over every buffer kind,
CmpxchgResult, threads on one atomic with exact totals."""
import mmap
from multiprocessing import shared_memory
from threading import Thread

import pytest

import shm_atomics as atomics


def test_width_16_where_lock_free():
    if not atomics.is_lock_free(16):
        with pytest.raises(atomics.exc.UnsupportedWidthException):
            atomics.atomic(width=16, atype=atomics.UINT)
        return
    a = atomics.atomic(width=16, atype=atomics.UINT)
    a.store((1 << 128) - 1)
    assert a.fetch_inc() == (1 << 128) - 1 and a.load() == 0
    i = atomics.atomic(width=16, atype=atomics.INT)
    i.sub(1)
    assert i.load() == -1
    b = atomics.atomic(width=16, atype=atomics.BYTES)
    assert b.cmpxchg_strong(bytes(16), b"worker-000000001")
    assert bytes(b) == b"worker-000000001"


def test_float_kind():
    f = atomics.atomic(width=8, atype=atomics.FLOAT)
    f.add(1.5)
    assert f.fetch_sub(2) == 1.5 and f.load() == -0.5 and float(f) == -0.5
    assert f.fetch_neg() == -0.5 and f.load() == 0.5
    assert str(f) == "AtomicFloat(value=0.5, width=8, readonly=False)"
    g = atomics.atomic(width=4, atype=atomics.FLOAT)
    g.store(0.1)
    assert g.load() == pytest.approx(0.1, rel=1e-7)
    r = g.cmpxchg_strong(g.load(), 2.0)
    assert r and g.load() == 2.0


def test_bool_kind():
    b = atomics.atomic(width=1, atype=atomics.BOOL)
    assert b.bin_fetch_or(True) is False and bool(b) is True
    assert b.exchange(False) is True
    assert str(b) == "AtomicBool(value=False, width=1, readonly=False)"
    with pytest.raises(TypeError):
        b.store(2)


def test_views_over_every_buffer_kind():
    shm = shared_memory.SharedMemory(create=True, size=64)
    m = mmap.mmap(-1, 4096)
    try:
        for buf in (bytearray(8), memoryview(m)[0:8], shm.buf[8:16]):
            with atomics.atomicview(buffer=buf, atype=atomics.UINT) as a:
                a.store(41)
                a.inc()
                assert a.load() == 42 and a.width == 8 and not a.readonly
            assert bytes(buf[:8]) == (42).to_bytes(8, "little")
            del buf
        with atomics.atomicview(buffer=b"\x2a\x00", atype=atomics.UINT) as r:
            assert r.readonly and r.load() == 42
        with atomics.atomicview(buffer=memoryview(b"\x00" * 8).toreadonly(), atype=atomics.FLOAT) as f:
            assert f.load() == 0.0 and f.readonly
    finally:
        m.close()
        shm.close()
        shm.unlink()


def test_cmpxchg_result():
    r = atomics.CmpxchgResult(success=False, expected=3)
    assert not r and r.expected == 3 and tuple(r) == (False, 3)
    assert repr(r) == "CmpxchgResult(success=False, expected=3)"
    assert atomics.CmpxchgResult[int] is atomics.CmpxchgResult

    def atomic_mul(a, operand):
        res = atomics.CmpxchgResult(success=False, expected=a.load())
        while not res:
            desired = res.expected * operand
            res = a.cmpxchg_weak(expected=res.expected, desired=desired)

    a = atomics.atomic(width=8, atype=atomics.INT)
    a.store(3)
    atomic_mul(a, 7)
    assert a.load() == 21


def test_isinstance_of_helper_types():
    a = atomics.atomic(width=4, atype=atomics.INT)
    assert isinstance(a, atomics.INT) and isinstance(a, atomics.INTEGRAL)
    assert isinstance(a, atomics.ANY) and not isinstance(a, atomics.UINT)
    with atomics.atomicview(buffer=bytearray(2), atype=atomics.BYTES) as v:
        assert isinstance(v, atomics.BYTES) and type(v).__name__ == "AtomicBytesView"


def test_threads_exact_totals_every_op():
    a = atomics.atomic(width=8, atype=atomics.INT)
    n, threads = 20_000, 4

    def work():
        for _ in range(n):
            a.inc()
            a.fetch_add(2)
            a.sub(1)

    ts = [Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert a.load() == 2 * n * threads
