"""Public classes of both seeds can be subclassed, and the class families answer
`isinstance`/`issubclass` exactly as atomics 1.0.3 does (compared with the installed
seed, case by case)."""
import ctypes
import itertools
import multiprocessing as mp

import atomics
import atomics.base
import atomics.view
import pytest

import shm_atomics
import shm_atomics.base
import shm_atomics.view
from shm_atomics.atomos import atomic
from shm_atomics.atomos.multiprocessing import atomic as mp_atomic

BASE = ["Atomic", "AtomicIntegral", "AtomicBytes", "AtomicInt", "AtomicUint"]
VIEW = ["AtomicView", "AtomicIntegralView", "AtomicBytesView", "AtomicIntView",
        "AtomicUintView"]
ATYPES = ["ANY", "INTEGRAL", "BYTES", "INT", "UINT"]
KINDS = [("INT", {}), ("UINT", {}), ("BYTES", {}), ("INTEGRAL", {"is_signed": True}),
         ("INTEGRAL", {"is_signed": False}), ("ANY", {"is_integral": True,
                                                      "is_signed": True})]


def _answers(lib, base, view, width):
    """Every isinstance/issubclass answer about `lib`'s objects and classes."""
    out = {}
    for at, kw in KINDS:
        obj = lib.atomic(width=width, atype=getattr(lib, at), **kw)
        for n in BASE:
            out[("isinstance", at, str(kw), n)] = isinstance(obj, getattr(base, n))
        for n in ATYPES:
            out[("atype", at, str(kw), n)] = isinstance(obj, getattr(lib, n))
        with lib.atomicview(buffer=bytearray(width), atype=getattr(lib, at), **kw) as v:
            for n in VIEW + ATYPES:
                out[("view", at, str(kw), n)] = isinstance(v, getattr(view, n, None)
                                                           or getattr(lib, n))
    for names, mod in ((BASE, base), (VIEW, view)):
        for a, b in itertools.product(names, repeat=2):
            out[("issubclass", a, b)] = issubclass(getattr(mod, a), getattr(mod, b))
    return out


def test_the_class_families_answer_as_atomics_1_0_3():
    seed = _answers(atomics, atomics.base, atomics.view, 4)
    ours = _answers(shm_atomics, shm_atomics.base, shm_atomics.view, 4)
    assert len(seed) == len(ours) >= 150
    differ = {k: (seed[k], ours[k]) for k in seed if seed[k] != ours[k]}
    assert differ == {}


@pytest.mark.parametrize("name", ["Atomic", "AtomicIntegral", "AtomicInt", "AtomicUint",
                                  "AtomicBytes", "AtomicFloat", "AtomicBool"])
def test_seed_classes_can_be_subclassed(name):
    kw = {"Atomic": {"is_integral": True, "is_signed": True},
          "AtomicIntegral": {"is_signed": True}}.get(name, {})
    width = 1 if name == "AtomicBool" else 4
    cls = type("Mine", (getattr(shm_atomics.base, name),), {"tag": "mine"})
    obj = cls(width=width, **kw)
    obj.note = "instances have a __dict__"
    assert obj.tag == "mine" and obj.width == width
    assert isinstance(obj, shm_atomics.base.Atomic)
    assert isinstance(obj, shm_atomics.ANY)


def test_atomos_classes_can_be_subclassed():
    class Counter(atomic.AtomicLong):
        def bump(self):
            return self.add_and_get(1)

    c = Counter(41)
    assert c.bump() == 42 and isinstance(c, atomic.AtomicNumber)
    assert repr(c).startswith("<shm_atomics.atomos.atomic.Counter(42)")

    class Total(atomic.AtomicNumber):
        pass

    t = Total(0.5)
    assert t.add_and_get(1) == 1.5 and t.get_and_subtract(0.5) == 1.5 and t.get() == 1.0
    assert issubclass(atomic.AtomicInteger, atomic.AtomicNumber)
    assert issubclass(atomic.AtomicBoolean, atomic.AtomicReference)
    assert not issubclass(atomic.AtomicBoolean, atomic.AtomicNumber)


class Shared(mp_atomic.AtomicNumber):
    """A subclass with its own constructor and attributes (pickled along)."""

    def __init__(self, value=0):
        super().__init__(typecode_or_type=ctypes.c_short, value=value)
        self.label = "shared"


def _bump(n):
    n.add_and_get(1)
    return n.label


def test_multiprocessing_numbers_take_a_ctypes_type_and_subclass():
    s = Shared(32767)
    assert s.add_and_get(1) == -32768  # wraps at the C type's width
    s.set(0)
    with mp.get_context("spawn").Pool(2) as pool:
        assert pool.map_async(_bump, [s] * 10).get(120) == ["shared"] * 10
    assert s.get() == 10
    f = mp_atomic.AtomicNumber(typecode_or_type="f", value=1.5)
    assert f.add_and_get(0.25) == 1.75 and f.get() == 1.75
    b = mp_atomic.AtomicCtypesReference(ctypes.c_bool, False)
    assert b.compare_and_set(False, True) and b.get() is True
    with pytest.raises(TypeError, match="typecode_or_type"):
        mp_atomic.AtomicNumber()
    with pytest.raises(ValueError, match="unknown typecode"):
        mp_atomic.AtomicNumber("z")
