"""atomos' API: AtomicInteger/Long/Float/Boolean (in process, over a buffer, across
processes), AtomicReference, and Atom (swap with extra arguments, reset,
compare_and_set, watches, validators)."""
from multiprocessing import Process, shared_memory

import pytest

import shm_atomics
from shm_atomics.atomos import atomic, atom
from shm_atomics.atomos.multiprocessing import atomic as mp_atomic


def test_atomic_integer():
    c = atomic.AtomicInteger()
    assert c.get() == 0 and c.add_and_get(1) == 1 and c.get_and_add(2) == 1
    assert c.subtract_and_get(1) == 2 and c.get_and_subtract(2) == 2 and c.get() == 0
    assert c.set(5) == 5 and c.get_and_set(6) == 5
    assert c.compare_and_set(6, 7) and not c.compare_and_set(6, 8) and c.get() == 7
    assert repr(c).startswith("<shm_atomics.atomos.atomic.AtomicInteger(7) object at 0x")
    with pytest.raises(OverflowError):
        c.set(1 << 31)  # 32-bit, as Java's AtomicInteger
    c.set((1 << 31) - 1)
    assert c.add_and_get(1) == -(1 << 31)  # wraps


def test_atomic_long_float_boolean():
    assert atomic.AtomicLong(1 << 40).add_and_get(1) == (1 << 40) + 1
    f = atomic.AtomicFloat(1.5)
    assert f.add_and_get(1.0) == 2.5 and f.get_and_subtract(0.5) == 2.5 and f.get() == 2.0
    b = atomic.AtomicBoolean()
    assert b.get() is False and b.compare_and_set(False, True) and b.get() is True
    assert not hasattr(b, "add_and_get")


def test_atomic_reference():
    r = atomic.AtomicReference([1])
    assert r.get() == [1] and r.get_and_set("x") == [1]
    assert r.compare_and_set("x", "y") and not r.compare_and_set("x", "z") and r.get() == "y"


def test_atomic_integer_over_a_buffer():
    buf = bytearray(8)
    c = atomic.AtomicLong(buffer=buf)
    c.add_and_get(41)
    d = atomic.AtomicLong(buffer=buf)  # a second object on the same memory
    assert d.add_and_get(1) == 42 and c.get() == 42
    with pytest.raises(BufferError):
        buf.extend(b"x")  # held for the object's life
    with pytest.raises(ValueError):
        atomic.AtomicInteger(buffer=bytearray(8))  # not exactly 4 bytes


def _add(shm_name, n):
    shm = shared_memory.SharedMemory(name=shm_name)
    c = atomic.AtomicInteger(buffer=shm.buf[:4])
    for _ in range(n):
        c.add_and_get(1)
    del c
    shm.close()


def test_atomic_integer_across_processes_over_shared_memory():
    shm = shared_memory.SharedMemory(create=True, size=4)
    c = atomic.AtomicInteger(0, buffer=shm.buf[:4])
    ps = [Process(target=_add, args=(shm.name, 5_000)) for _ in range(3)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
        assert p.exitcode == 0
    assert c.get() == 15_000
    del c
    shm.close()
    shm.unlink()


def _mp_add(counter, n):
    for _ in range(n):
        counter.get_and_add(1)


def test_multiprocessing_atomic_pickles_into_processes():
    counter = mp_atomic.AtomicInteger()
    ps = [Process(target=_mp_add, args=(counter, 5_000)) for _ in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
        assert p.exitcode == 0
    assert counter.get() == 10_000


def test_atom_swap_reset_cas_watches_validators():
    state = atom.Atom({"conns": 0, "active_clients": set()})

    def new_client(cur_state, client):
        cur_state["conns"] += 1
        cur_state["active_clients"].add(client)
        return cur_state

    seen = []
    state.add_watch("log", lambda k, ref, old, new: seen.append((k, ref is state)))
    state.swap(new_client, "foo")
    assert state.deref() == {"conns": 1, "active_clients": {"foo"}} and seen == [("log", True)]
    state.remove_watch("log")
    assert state.reset({"conns": 0}) == {"conns": 0}  # the new state, as Clojure's reset!
    assert state.compare_and_set({"conns": 0}, {"conns": 2})
    assert not state.compare_and_set({"conns": 0}, {"conns": 3})
    assert state.swap(lambda s, k, by=1: {**s, k: s[k] + by}, "conns", by=3) == {"conns": 5}
    n = atom.Atom(1, validator=lambda v: v > 0)
    with pytest.raises(ValueError):
        n.reset(-1)
    with pytest.raises(ValueError):
        n.swap(lambda v: v - 5)
    assert n.deref() == 1 and n.get_validator() is not None
    n.set_validator(None)
    n.reset(-1)
    assert n.deref() == -1


def test_atom_threads_exact_total():
    from threading import Thread
    a = atom.Atom(0)
    ts = [Thread(target=lambda: [a.swap(lambda v: v + 1) for _ in range(5_000)]) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert a.deref() == 20_000


def test_module_names():
    assert shm_atomics.atomos.atomic.AtomicInteger is atomic.AtomicInteger
