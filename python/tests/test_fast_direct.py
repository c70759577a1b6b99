"""The direct paths of integer cells (src/fast_int.rs): the usual call of a hot operation
(positional exact-int operands, no order) done with the C API alone. Every other call
goes to the general path, so these tests check that a direct-shaped call gives the
same results as the model, that each refusal (wrong type, overflow, negative for
unsigned, bool and int subclasses, `__index__`, bit index out of range, released or
read-only memory, 16-byte cells) still raises the general path's error with nothing
done, and that the keyword forms of cmpxchg agree."""
import pytest

import shm_atomics as atomics
from shm_atomics import base
from shm_atomics.exc import UnsupportedOperationException

WIDTHS = [1, 2, 4, 8]


def wrap(v, width, signed):
    bits = 8 * width
    v &= (1 << bits) - 1
    if signed and v >> (bits - 1):
        v -= 1 << bits
    return v


def lo_hi(width, signed):
    bits = 8 * width
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def make(width, signed):
    return atomics.atomic(width=width, atype=atomics.INT if signed else atomics.UINT)


@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_direct_operation_matches_the_model(width, signed):
    a = make(width, signed)
    lo, hi = lo_hi(width, signed)
    w = lambda v: wrap(v, width, signed)  # noqa: E731
    # -1 and the maximum are the C API's error values: taken as values when nothing raised.
    for v in sorted({lo, hi, 0, 1, 5, 300 % (hi + 1), -1 if signed else hi, hi // 3}):
        if not lo <= v <= hi:
            continue
        a.store(v)
        assert a.load() == v
        assert a.exchange(w(v + 7)) == v and a.load() == w(v + 7)
        a.store(v)
        assert a.fetch_add(3) == v and a.load() == w(v + 3)
        assert a.fetch_sub(3) == w(v + 3) and a.load() == v
        assert a.add(hi) is None and a.load() == w(v + hi)
        assert a.sub(hi) is None and a.load() == v
        assert a.bin_fetch_or(6) == v and a.load() == w(v | 6)
        assert a.bin_fetch_and(5) == w(v | 6) and a.load() == w((v | 6) & 5)
        assert a.bin_fetch_xor(3) == w((v | 6) & 5) and a.load() == w(((v | 6) & 5) ^ 3)
        a.store(v)
        assert a.bin_or(8) is None and a.bin_and(12) is None and a.bin_xor(1) is None
        assert a.load() == w(((v | 8) & 12) ^ 1)
        a.store(v)
        assert a.inc() is None and a.load() == w(v + 1)
        assert a.dec() is None and a.load() == v
        assert a.fetch_inc() == v and a.fetch_dec() == w(v + 1) and a.load() == v
        top = 8 * width - 1
        assert a.bit_test(top) is (w(v) & (1 << top) != 0 if not signed else v < 0)
        before = a.load()
        assert a.bit_test_set(0) is bool(before & 1) and a.load() & 1
        assert a.bit_test_reset(0) is True and not a.load() & 1
        assert a.bit_test_compl(1) is bool(before & 2) and a.load() & 2 != before & 2
        now = a.load()
        assert a.bit_set(2) is bool(now & 4) and a.load() & 4
        a.store(v)
        r = a.cmpxchg_strong(v, w(v + 1))
        assert (r.success, r.expected, a.load()) == (True, v, w(v + 1))
        r = a.cmpxchg_weak(v, 0)
        assert (r.success, r.expected, a.load()) == (False, w(v + 1), w(v + 1))


@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("width", WIDTHS)
def test_operands_out_of_range_raise_overflow_and_do_nothing(width, signed):
    a = make(width, signed)
    lo, hi = lo_hi(width, signed)
    a.store(5)
    for bad in (lo - 1, hi + 1, 1 << 64, -(1 << 64), 1 << 100):
        for call in (a.store, a.exchange, a.fetch_add, a.fetch_sub, a.add, a.sub,
                     a.bin_or, a.bin_fetch_or, a.bin_and, a.bin_fetch_xor):
            with pytest.raises(OverflowError):
                call(bad)
        with pytest.raises(OverflowError):
            a.cmpxchg_strong(bad, 1)
        with pytest.raises(OverflowError):
            a.cmpxchg_weak(5, bad)
        assert a.load() == 5


def test_negative_operands_of_unsigned_cells_raise():
    a = make(8, False)
    a.store(7)
    with pytest.raises(OverflowError):
        a.fetch_add(-1)
    with pytest.raises(OverflowError):
        a.store(-1)
    with pytest.raises(OverflowError):
        a.cmpxchg_strong(-1, 0)
    assert a.load() == 7


def test_wrong_types_raise_type_error_and_do_nothing():
    a = make(8, True)
    a.store(5)
    for bad in ("1", 1.0, None, b"\x01", [1]):
        for call in (a.store, a.exchange, a.fetch_add, a.bin_fetch_or, a.add):
            with pytest.raises(TypeError):
                call(bad)
        with pytest.raises(TypeError):
            a.cmpxchg_strong(bad, 1)
        with pytest.raises(TypeError):
            a.cmpxchg_strong(5, bad)
        with pytest.raises(TypeError):
            a.bit_test(bad)
    assert a.load() == 5


def test_bool_int_subclass_and_index_operands_take_the_general_path():
    class MyInt(int):
        pass

    class Index:
        calls = 0

        def __index__(self):
            Index.calls += 1
            return 3

    a = make(8, True)
    a.store(True)
    assert a.load() == 1 and type(a.load()) is int
    assert a.fetch_add(MyInt(4)) == 1 and a.load() == 5
    a.store(Index())
    assert a.load() == 3 and Index.calls == 1  # `__index__` ran once, by the general path
    r = a.cmpxchg_strong(MyInt(3), True)
    assert r.success and r.expected == 3 and type(r.expected) is int and a.load() == 1
    assert a.bit_test(MyInt(0)) is True and a.bit_test(False) is True


def test_bit_index_out_of_range_raises_value_error():
    for width in WIDTHS:
        a = make(width, True)
        a.store(-1)
        assert a.bit_test(8 * width - 1) is True
        for bad in (8 * width, -1, 1 << 40):
            for call in (a.bit_test, a.bit_test_set, a.bit_test_reset, a.bit_test_compl):
                with pytest.raises(ValueError, match="'index' value out of range"):
                    call(bad)
        with pytest.raises(OverflowError):
            a.bit_test_set(1 << 70)
        assert a.load() == -1


def test_released_and_readonly_memory_refuse_direct_calls():
    buf = bytearray(8)
    with atomics.atomicview(buffer=buf, atype=atomics.INT) as v:
        v.store(3)
    for call, args in ((v.load, ()), (v.store, (1,)), (v.fetch_add, (1,)), (v.inc, ()),
                       (v.bit_test, (0,)), (v.cmpxchg_strong, (3, 4))):
        with pytest.raises(ValueError, match="released view"):
            call(*args)
    with pytest.raises(ValueError, match="released view"):
        v.cmpxchg_strong(expected=3, desired=4)
    assert int.from_bytes(buf, "little") == 3
    with atomics.atomicview(buffer=memoryview(bytes(8)).toreadonly(), atype=atomics.INT) as r:
        assert r.load() == 0 and r.bit_test(0) is False
        for call, args in ((r.store, (1,)), (r.fetch_add, (1,)), (r.inc, ()),
                           (r.bit_test_set, (0,)), (r.cmpxchg_strong, (0, 1))):
            with pytest.raises(UnsupportedOperationException):
                call(*args)


def test_sixteen_bytes_take_the_general_path():
    try:
        a = atomics.atomic(width=16, atype=atomics.INT)
    except Exception:  # noqa: BLE001 - no 16-byte atomics on this CPU
        pytest.skip("no lock-free 16-byte atomics here")
    a.store(1 << 100)
    assert a.fetch_add(1) == 1 << 100 and a.load() == (1 << 100) + 1
    r = a.cmpxchg_strong((1 << 100) + 1, -5)
    assert r.success and a.load() == -5


def test_cmpxchg_keyword_forms_and_refusals():
    a = make(8, True)
    a.store(5)
    r = a.cmpxchg_strong(expected=5, desired=6)
    assert (r.success, r.expected, a.load()) == (True, 5, 6)
    r = a.cmpxchg_weak(desired=7, expected=6)
    assert r.expected == 6 and a.load() in (6, 7)
    a.store(7)
    r = a.cmpxchg_strong(7, desired=8)
    assert (r.success, r.expected, a.load()) == (True, 7, 8)
    r = a.cmpxchg_strong(expected=1, desired=2)
    assert (r.success, r.expected, a.load()) == (False, 8, 8)
    with pytest.raises(TypeError, match="multiple values for argument 'expected'"):
        a.cmpxchg_strong(8, expected=8)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        a.cmpxchg_strong(expected=8, bogus=9)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'desired'"):
        a.cmpxchg_strong(expected=8)
    with pytest.raises(OverflowError):
        a.cmpxchg_strong(expected=8, desired=1 << 64)
    # Keyword names built at run time (not interned) take the general path.
    kw = {"".join(["expec", "ted"]): 8, "".join(["des", "ired"]): 9}
    r = a.cmpxchg_strong(**kw)
    assert r.success and a.load() == 9
    assert a.load() == 9


def test_kept_cmpxchg_results_never_change_on_the_direct_path():
    a = make(8, True)
    a.store(1000)
    kept = a.cmpxchg_strong(1000, 1001)  # success: its `expected` is the argument
    failed = a.cmpxchg_strong(1000, 5)  # failure: a new int
    held = [a.cmpxchg_strong(expected=1001, desired=1002)]
    for i in range(1002, 1010):
        a.cmpxchg_strong(i, i + 1)  # dropped at once: the spare is reused
        a.cmpxchg_weak(-i, 0)
    assert (kept.success, kept.expected) == (True, 1000)
    assert (failed.success, failed.expected) == (False, 1001)
    assert (held[0].success, held[0].expected) == (True, 1001)
    assert a.load() == 1010


def test_subclass_instances_use_the_same_operations():
    class Counter(base.AtomicInt):
        pass

    c = Counter(width=8)
    c.store(3)
    assert c.fetch_add(2) == 3 and c.load() == 5
    assert c.cmpxchg_strong(5, 6).success and c.load() == 6
    with pytest.raises(OverflowError):
        c.store(1 << 64)
    f = c.fetch_add
    assert f(1) == 6 and type(c).load(c) == 7


def test_vectorcall_with_an_empty_tuple_of_keyword_names():
    """The vectorcall protocol allows `kwnames` to be an empty tuple (C callers): two
    positional operands then still work, through the general path."""
    import ctypes

    api = ctypes.pythonapi
    if not hasattr(api, "PyObject_Vectorcall"):
        pytest.skip("PyObject_Vectorcall is not exported by this CPython")
    call = api.PyObject_Vectorcall
    call.restype = ctypes.py_object
    call.argtypes = [ctypes.py_object, ctypes.POINTER(ctypes.py_object), ctypes.c_size_t,
                     ctypes.py_object]
    a = make(8, True)
    a.store(5)
    r = call(a.cmpxchg_strong, (ctypes.py_object * 2)(5, 6), 2, ())
    assert (r.success, r.expected, a.load()) == (True, 5, 6)
    r = call(a.cmpxchg_strong, (ctypes.py_object * 2)(6, 7), 1, ("desired",))
    assert (r.success, r.expected, a.load()) == (True, 6, 7)
    assert call(a.fetch_add, (ctypes.py_object * 1)(1), 1, ()) == 7 and a.load() == 8
