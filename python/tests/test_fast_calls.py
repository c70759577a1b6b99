"""The hot operations' fast entry points (src/fast.rs) take every valid call, positional
or by keyword, and give the same results and errors as the PyO3 methods they replace;
a CmpxchgResult the caller keeps never changes (the operations reuse only a result
nobody references)."""
import pytest

import shm_atomics as atomics
from shm_atomics.exc import MemoryOrderError

MO = atomics.MemoryOrder


def int_atomic(value=5):
    a = atomics.atomic(width=8, atype=atomics.INT)
    a.store(value)
    return a


def test_positional_and_keyword_forms_agree():
    a = int_atomic()
    assert a.load() == a.load(MO.SEQ_CST) == a.load(order=MO.ACQUIRE) == 5
    a.store(6, MO.RELEASE)
    assert a.load() == 6
    a.store(desired=7, order=MO.RELAXED)
    assert a.load() == 7
    assert a.exchange(8) == 7 and a.exchange(desired=9, order=MO.SEQ_CST) == 8
    assert a.fetch_add(1) == 9 and a.fetch_add(value=2, order=MO.RELAXED) == 10
    assert a.fetch_sub(order=MO.SEQ_CST, value=2) == 12
    a.inc()
    a.inc(order=MO.RELAXED)
    assert a.load() == 12
    assert a.bit_test_set(0) is False and a.bit_test(index=0, order=MO.ACQUIRE) is True
    assert a.bin_fetch_or(value=16) == 13 and a.load() == 29


def test_cmpxchg_every_spelling():
    a = int_atomic()
    r = a.cmpxchg_strong(5, 6)
    assert r.success and r.expected == 5
    r = a.cmpxchg_strong(expected=6, desired=7, success=MO.SEQ_CST, failure=MO.RELAXED)
    assert r.success and r.expected == 6
    r = a.cmpxchg_weak(desired=1, expected=0)
    assert not r.success and r.expected == 7 and a.load() == 7
    b = atomics.atomic(width=4, atype=atomics.BYTES)
    r = b.cmpxchg_strong(b"\0" * 4, b"abcd", succ=MO.SEQ_CST, fail=MO.ACQUIRE)
    assert r.success and r.expected == b"\0" * 4 and b.load() == b"abcd"


def test_kept_results_never_change():
    a = int_atomic()
    kept = [a.cmpxchg_strong(i, i + 1) for i in range(5, 10)]
    assert [(r.success, r.expected) for r in kept] == [(True, i) for i in range(5, 10)]
    assert len({id(r) for r in kept}) == len(kept)
    first = a.cmpxchg_strong(0, 1)  # fails: finds 10
    for _ in range(3):
        a.cmpxchg_strong(10, 10)  # results dropped at once (may be reused)
    assert (first.success, first.expected) == (False, 10)
    assert tuple(first) == (False, 10) and repr(first) == "CmpxchgResult(success=False, expected=10)"


def test_invalid_calls_raise_pyo3_type_errors():
    a = int_atomic()
    with pytest.raises(TypeError, match=r"load\(\) takes from 0 to 1 positional arguments but 2 were given"):
        a.load(MO.SEQ_CST, 1)
    with pytest.raises(TypeError, match=r"store\(\) missing 1 required positional argument: 'desired'"):
        a.store()
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'bogus'"):
        a.fetch_add(1, bogus=2)
    with pytest.raises(TypeError, match=r"multiple values for argument 'desired'"):
        a.exchange(1, desired=2)
    with pytest.raises(TypeError, match=r"cmpxchg_strong\(\) missing 1 required positional argument: 'desired'"):
        a.cmpxchg_strong(expected=5)
    assert a.load() == 5


def test_operation_errors_unchanged():
    a = int_atomic()
    with pytest.raises(OverflowError):
        a.store(1 << 64)
    with pytest.raises(TypeError):
        a.fetch_add("1")
    with pytest.raises(ValueError):
        a.bit_test(64)
    with pytest.raises(MemoryOrderError):
        a.store(1, MO.ACQUIRE)
    buf = bytearray(8)
    with atomics.atomicview(buffer=buf, atype=atomics.INT) as v:
        v.store(3)
    with pytest.raises(ValueError, match="released view"):
        v.load()
    with pytest.raises(ValueError, match="released view"):
        v.cmpxchg_strong(3, 4)


def test_unbound_and_bound_methods():
    a = int_atomic()
    f = a.fetch_add
    assert f(1) == 5 and type(a).fetch_add(a, 1) == 6 and type(a).load(a) == 7
    with pytest.raises(TypeError):
        type(a).load(object())
    assert "Atomically loads" in type(a).load.__doc__
    assert type(a).load.__text_signature__ == "($self, order=None)"
