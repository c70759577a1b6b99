"""Differential test against the real `atomics` 1.0.3: random operation sequences over
widths 1/2/4/8 and INT/UINT/BYTES give identical results, exceptions (by type) and
values after every operation. Fixed seed; the seed's BYTES cmpxchg bug (it writes into
the caller's `expected`) is avoided by giving the seed fresh objects, and tested apart.
Proves the port is behaviour-compatible with the seed."""
import random
import sys

import pytest

atomics = pytest.importorskip("atomics")
import shm_atomics  # noqa: E402

WIDTHS = (1, 2, 4, 8)
KINDS = ("INT", "UINT", "BYTES")
CASES_PER_COMBO = 30
OPS_PER_CASE = 40

LOAD_ORDERS = ("RELAXED", "ACQUIRE", "SEQ_CST")
STORE_ORDERS = ("RELAXED", "RELEASE", "SEQ_CST")
ALL_ORDERS = ("RELAXED", "ACQUIRE", "RELEASE", "ACQ_REL", "SEQ_CST")

INT_VALUE_OPS = ("exchange", "bin_or", "bin_xor", "bin_and", "bin_fetch_or", "bin_fetch_xor",
                 "bin_fetch_and", "add", "sub", "fetch_add", "fetch_sub")
INT_NOARG_OPS = ("bin_not", "bin_fetch_not", "inc", "dec", "neg", "fetch_inc", "fetch_dec",
                 "fetch_neg")
BYTES_VALUE_OPS = ("exchange", "bin_or", "bin_xor", "bin_and", "bin_fetch_or",
                   "bin_fetch_xor", "bin_fetch_and")
BIT_OPS = ("bit_test", "bit_test_compl", "bit_test_set", "bit_test_reset")


def operand(rng, kind, width, allow_bad):
    bits = 8 * width
    if kind == "BYTES":
        n = width if not (allow_bad and rng.random() < 0.05) else width + 1
        return bytes(rng.getrandbits(8) for _ in range(n))
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if kind == "INT" else (0, (1 << bits) - 1)
    if allow_bad and rng.random() < 0.05:
        return rng.choice((hi + 1, lo - 1))
    return rng.choice((lo, hi, 0, 1, -1 if kind == "INT" else 2, rng.randint(lo, hi)))


def call(obj, op, args, kwargs):
    try:
        r = getattr(obj, op)(*args, **kwargs)
    except Exception as e:  # compared by type
        return ("raised", type(e).__name__)
    if isinstance(r, (atomics.CmpxchgResult, shm_atomics.CmpxchgResult)):
        return ("cmpxchg", bool(r.success), r.expected)
    return ("ok", r)


def run_case(rng, kind, width):
    seed_obj = atomics.atomic(width=width, atype=getattr(atomics, kind))
    ours = shm_atomics.atomic(width=width, atype=getattr(shm_atomics, kind))
    for _ in range(OPS_PER_CASE):
        r = rng.random()
        so, oo = {}, {}
        if r < 0.12:
            op, args = "store", [operand(rng, kind, width, True)]
            order = rng.choice(STORE_ORDERS)
            so["order"] = getattr(atomics.MemoryOrder, order)
            oo["order"] = getattr(shm_atomics.MemoryOrder, order)
        elif r < 0.2:
            op, args = "load", []
            order = rng.choice(LOAD_ORDERS)
            so["order"] = getattr(atomics.MemoryOrder, order)
            oo["order"] = getattr(shm_atomics.MemoryOrder, order)
        elif r < 0.35:
            op = rng.choice(("cmpxchg_weak", "cmpxchg_strong"))
            current = ours.load()
            expected = current if rng.random() < 0.5 else operand(rng, kind, width, False)
            args = [expected, operand(rng, kind, width, False)]
        elif r < 0.5:
            op = rng.choice(BIT_OPS)
            args = [rng.randrange(-1, 8 * width + 1)]
        elif r < 0.85:
            op = rng.choice(INT_VALUE_OPS if kind != "BYTES" else BYTES_VALUE_OPS)
            args = [operand(rng, kind, width, True)]
            order = rng.choice(ALL_ORDERS)
            so["order"] = getattr(atomics.MemoryOrder, order)
            oo["order"] = getattr(shm_atomics.MemoryOrder, order)
        else:
            op = rng.choice(INT_NOARG_OPS if kind != "BYTES" else ("bin_not", "bin_fetch_not"))
            args = []
        seed_args = [bytes(bytearray(a)) if isinstance(a, bytes) else a for a in args]
        got_seed = call(seed_obj, op, seed_args, so)
        got_ours = call(ours, op, args, oo)
        assert got_ours == got_seed, (kind, width, op, args, so)
        assert ours.load() == seed_obj.load(), (kind, width, op, args)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("width", WIDTHS)
def test_random_sequences_match_the_seed(kind, width):
    rng = random.Random(hash((kind, width)) & 0xFFFF ^ 0x5EED)
    for _ in range(CASES_PER_COMBO):
        run_case(rng, kind, width)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("width", WIDTHS)
def test_repr_ops_supported_and_properties_match(kind, width):
    s = atomics.atomic(width=width, atype=getattr(atomics, kind))
    o = shm_atomics.atomic(width=width, atype=getattr(shm_atomics, kind))
    assert str(o) == str(s)
    assert [op.name for op in o.ops_supported] == [op.name for op in s.ops_supported]
    assert (o.width, o.readonly) == (s.width, s.readonly)
    if kind != "BYTES":
        assert o.signed == s.signed and int(o) == int(s)
    else:
        assert bytes(o) == bytes(s)


@pytest.mark.parametrize("kind", KINDS)
def test_views_over_bytearray_match_the_seed(kind):
    """Views over a bytearray: same results and the same bytes in the buffer."""
    rng = random.Random(7)
    for width in WIDTHS:
        bs, bo = bytearray(width), bytearray(width)
        with atomics.atomicview(buffer=bs, atype=getattr(atomics, kind)) as s, \
                shm_atomics.atomicview(buffer=bo, atype=getattr(shm_atomics, kind)) as o:
            assert str(o) == str(s)
            for _ in range(200):
                op = rng.choice(("exchange", "bin_fetch_or", "bin_fetch_xor", "bin_fetch_and"))
                v = operand(rng, kind, width, False)
                assert call(o, op, [v], {}) == call(s, op, [v], {})
        assert bo == bs


def test_seed_bug_bytes_cmpxchg_writes_into_expected_is_not_copied():
    """atomics 1.0.3 writes the found value into the caller's `expected` bytes object on
    a failed BYTES cmpxchg; ours never modifies its arguments."""
    expected = bytes(bytearray(b"\x00\x00\x00\x07"))
    ours = shm_atomics.atomic(width=4, atype=shm_atomics.BYTES)
    ours.store(b"\x01\x02\x03\x04")
    r = ours.cmpxchg_strong(expected=expected, desired=b"\x00\x00\x00\x00")
    assert not r and r.expected == b"\x01\x02\x03\x04"
    assert expected == b"\x00\x00\x00\x07"
    seed = atomics.atomic(width=4, atype=atomics.BYTES)
    seed.store(b"\x01\x02\x03\x04")
    seed_expected = bytes(bytearray(b"\x00\x00\x00\x07"))
    seed.cmpxchg_strong(expected=seed_expected, desired=b"\x00\x00\x00\x00")
    assert seed_expected == b"\x01\x02\x03\x04"  # the seed's bug, documented


def test_seed_bug_bit_test_order_is_a_load_order_here():
    """atomics 1.0.3 checks bit_test's order as a store order (ACQUIRE refused, RELEASE
    accepted); a bit test is a load."""
    ours = shm_atomics.atomic(width=4, atype=shm_atomics.UINT)
    assert ours.bit_test(0, shm_atomics.MemoryOrder.ACQUIRE) is False
    with pytest.raises(shm_atomics.exc.MemoryOrderError):
        ours.bit_test(0, shm_atomics.MemoryOrder.RELEASE)
    seed = atomics.atomic(width=4, atype=atomics.UINT)
    from atomics.exc import MemoryOrderError as SeedMemoryOrderError
    with pytest.raises(SeedMemoryOrderError):
        seed.bit_test(0, atomics.MemoryOrder.ACQUIRE)


def test_python_version_is_supported():
    assert sys.version_info >= (3, 9)
