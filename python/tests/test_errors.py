"""Every error path, by exception name: construction (width, alignment, atype, buffer),
operations (unsupported, read-only, operands, orders, bit index) and the view context's
lifetime contract (the seed README's exact ValueErrors)."""
import mmap

import pytest

import shm_atomics as atomics
from shm_atomics.exc import (AlignmentError, MemoryOrderError,
                             UnsupportedOperationException, UnsupportedWidthException)

MO = atomics.MemoryOrder


@pytest.mark.parametrize("width", [0, 3, 5, 7, 9, 17, 32])
def test_unsupported_width(width):
    with pytest.raises(UnsupportedWidthException) as e:
        atomics.atomic(width=width, atype=atomics.INT)
    assert e.value.width == width and e.value.readonly is False
    with pytest.raises(UnsupportedWidthException):
        atomics.atomicview(buffer=bytearray(width), atype=atomics.UINT)


def test_float_and_bool_widths():
    with pytest.raises(UnsupportedWidthException):
        atomics.atomic(width=2, atype=atomics.FLOAT)
    with pytest.raises(UnsupportedWidthException):
        atomics.atomic(width=2, atype=atomics.BOOL)


def test_width_type_and_sign():
    with pytest.raises(TypeError, match="Keyword argument 'width' must have type 'int'."):
        atomics.atomic(width="4", atype=atomics.INT)
    with pytest.raises(ValueError):
        atomics.atomic(width=-1, atype=atomics.INT)


def test_bad_atype():
    with pytest.raises(TypeError, match="Type parameter 'atype' must be one of"):
        atomics.atomic(width=4, atype=int)
    with pytest.raises(TypeError):
        atomics.atomicview(buffer=bytearray(4), atype=None)


def test_misaligned_view():
    buf = bytearray(16)
    base = atomics._native.buffer_info(buf)[0]
    off = 1 if base % 8 == 0 else 0
    with pytest.raises(AlignmentError) as e:
        atomics.atomicview(buffer=memoryview(buf)[off + 1:off + 5], atype=atomics.INT)
    assert e.value.width == 4 and e.value.using_recommended is True
    assert not atomics.Alignment(4).is_valid(memoryview(buf)[off + 1:off + 5])


def test_not_a_buffer():
    with pytest.raises(TypeError, match="Keyword argument 'buffer' must support the buffer protocol."):
        atomics.atomicview(buffer=[0, 0, 0, 0], atype=atomics.INT)
    with pytest.raises(TypeError):
        atomics.Alignment(4).is_valid(12)
    with pytest.raises(ValueError):
        atomics.Alignment(4).is_valid(bytearray(8))


def test_unsupported_operation_on_readonly_view():
    with atomics.atomicview(buffer=b"\x01\x00\x00\x00", atype=atomics.INT) as a:
        assert a.readonly and a.load() == 1 and a.bit_test(0) is True
        for op, args in [("store", (1,)), ("inc", ()), ("exchange", (1,)),
                         ("cmpxchg_strong", (1, 2)), ("bit_test_set", (0,)), ("bin_or", (1,))]:
            with pytest.raises(UnsupportedOperationException) as e:
                getattr(a, op)(*args)
            assert e.value.readonly is True and e.value.width == 4
            assert e.value.optype.name in ("STORE", "INC", "EXCHANGE", "CMPXCHG_STRONG",
                                           "BIT_TEST_SET", "OR")
    with atomics.atomicview(buffer=memoryview(bytearray(8)).toreadonly(), atype=atomics.BYTES) as b:
        with pytest.raises(UnsupportedOperationException):
            b.store(b"\x00" * 8)


def test_missing_operations_by_kind():
    b = atomics.atomic(width=4, atype=atomics.BYTES)
    assert not hasattr(b, "add") and not hasattr(b, "inc")
    f = atomics.atomic(width=8, atype=atomics.FLOAT)
    assert not hasattr(f, "bin_or") and not hasattr(f, "inc")
    any_ = atomics.atomic(width=4, atype=atomics.ANY, is_integral=True, is_signed=True)
    assert not hasattr(any_, "load") and "INC" in [o.name for o in any_.ops_supported]


@pytest.mark.parametrize("width", [1, 2, 4, 8, 16])
def test_int_operands_out_of_range(width):
    if width == 16 and not atomics.is_lock_free(16):
        pytest.skip("no lock-free 16-byte atomics here")
    i = atomics.atomic(width=width, atype=atomics.INT)
    u = atomics.atomic(width=width, atype=atomics.UINT)
    bits = 8 * width
    for bad in (1 << (bits - 1), -(1 << (bits - 1)) - 1):
        with pytest.raises(OverflowError):
            i.store(bad)
    for bad in (1 << bits, -1):
        with pytest.raises(OverflowError):
            u.fetch_add(bad)
    with pytest.raises(TypeError):
        i.store(1.5)
    with pytest.raises(TypeError):
        u.add("1")
    assert i.load() == 0 and u.load() == 0  # nothing written


def test_bytes_operand_length():
    b = atomics.atomic(width=4, atype=atomics.BYTES)
    with pytest.raises(ValueError, match="'desired' object length does not match width."):
        b.store(b"abc")
    with pytest.raises(ValueError, match="'expected' object length does not match width."):
        b.cmpxchg_strong(b"abc", b"abcd")
    with pytest.raises(ValueError, match="'value' object length does not match width."):
        b.bin_or(b"\x00")
    with pytest.raises(TypeError):
        b.store(5)
    b.store(bytearray(b"wxyz"))  # any bytes-like object
    b.store(memoryview(b"abcd"))
    assert b.load() == b"abcd"


def test_memory_orders():
    a = atomics.atomic(width=8, atype=atomics.UINT)
    for o in (MO.ACQUIRE, MO.ACQ_REL):
        with pytest.raises(MemoryOrderError) as e:
            a.store(1, o)
        assert e.value.optype == atomics.OpType.STORE and e.value.order == o
        assert e.value.is_fail is False
    for o in (MO.RELEASE, MO.ACQ_REL):
        with pytest.raises(MemoryOrderError):
            a.load(o)
    with pytest.raises(MemoryOrderError) as e:
        a.cmpxchg_strong(0, 1, MO.SEQ_CST, MO.RELEASE)
    assert e.value.is_fail is True and e.value.optype == atomics.OpType.CMPXCHG_STRONG
    # C++17: a failure order may be stronger than the success order
    assert a.cmpxchg_weak(expected=0, desired=1, success=MO.RELAXED, failure=MO.SEQ_CST)
    assert a.load() == 1
    with pytest.raises(ValueError):
        a.load(1)  # CONSUME is not offered
    with pytest.raises(TypeError):
        a.load("SEQ_CST")
    for o in MO:
        a.fetch_add(1, o)  # a read-modify-write takes every order
    assert MO.RELEASE.is_valid_store_order() and not MO.ACQUIRE.is_valid_store_order()
    assert MO.ACQUIRE.is_valid_load_order() and not MO.RELEASE.is_valid_load_order()
    assert MO.SEQ_CST.is_valid_fail_order(MO.RELAXED)


def test_bit_index_out_of_range():
    a = atomics.atomic(width=2, atype=atomics.UINT)
    for bad in (-1, 16, 1 << 40):
        with pytest.raises(ValueError, match="'index' value out of range."):
            a.bit_test_set(bad)
    with pytest.raises(ValueError):
        a.bit_test(16)
    assert a.bit_test_set(15) is False and a.load() == 0x8000
    assert a.bit_set(0) is False and a.bit_compl(0) is True and a.bit_reset(15) is True


def test_lifetime_contract_exact_errors():
    buf = bytearray(4)
    ctx = atomics.atomicview(buffer=buf, atype=atomics.INT)
    with ctx as a:
        with pytest.raises(ValueError, match=r"^Cannot call 'release' while context is open\.$"):
            ctx.release()
        with pytest.raises(ValueError, match=r"^Cannot open context multiple times\.$"):
            ctx.__enter__()
        a.store(5)
        with pytest.raises(BufferError):
            buf.extend(b"x")  # the buffer is held while the view is open
    with pytest.raises(ValueError, match=r"^Cannot open context after calling 'release'\.$"):
        ctx.__enter__()
    with pytest.raises(ValueError):
        a.load()  # a view used after exit raises
    with pytest.raises(ValueError):
        a.inc()
    with pytest.raises(ValueError):
        _ = a.width
    ctx.release()  # any number of times
    ctx.__exit__(None, None, None)
    buf.extend(b"x")  # released: the buffer may change now
    assert buf[:4] == (5).to_bytes(4, "little", signed=True)

    ctx2 = atomics.atomicview(buffer=bytearray(4), atype=atomics.INT)
    ctx2.release()
    with pytest.raises(ValueError, match=r"^Cannot open context after calling 'release'\.$"):
        ctx2.__enter__()


def test_mmap_is_held_while_open():
    m = mmap.mmap(-1, 4096)
    with atomics.atomicview(buffer=memoryview(m)[8:16], atype=atomics.UINT) as a:
        a.store(7)
        with pytest.raises(BufferError):
            m.close()
    m.close()


def test_exception_reprs():
    e = UnsupportedWidthException(3, readonly=False)
    assert repr(e) == "UnsupportedWidthException(width=3, readonly=False)"
    e = MemoryOrderError(atomics.OpType.LOAD, MO.RELEASE, is_fail=False)
    assert repr(e) == "MemoryOrderError(optype=OpType.LOAD, order=MemoryOrder.RELEASE, is_fail=False)"
    assert str(e) == "RELEASE is not a valid memory order for a LOAD operation."
