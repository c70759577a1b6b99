"""The cross-process `AtomicReference` and `Atom` of shm_atomics.atomos.multiprocessing
(no manager process): exact totals from real processes under every start method, a
process that opens one by name, a holder SIGKILLed inside a swap, equality CAS,
capacity, validators and watches."""
import multiprocessing as mp
import os
import signal
import subprocess
import sys

import pytest

import atomos_workers as w
from shm_atomics.atomos.multiprocessing.atom import Atom
from shm_atomics.atomos.multiprocessing.atomic import AtomicInteger, AtomicReference

DEADLINE = 120


def _run_all(procs):
    for p in procs:
        p.start()
    for p in procs:
        p.join(DEADLINE)
        if p.is_alive():
            p.kill()
        assert p.exitcode == 0, f"{p} ended with {p.exitcode}"


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_four_processes_ten_thousand_swaps_each(method):
    ctx = mp.get_context(method)
    atom = Atom(0)
    _run_all([ctx.Process(target=w.swap_many, args=(atom, 10_000)) for _ in range(4)])
    assert atom.deref() == 40_000
    assert atom.reference.dead_holders == 0


def test_compare_and_set_by_equality_across_processes():
    ref = AtomicReference({"n": 0})
    ctx = mp.get_context("spawn")
    _run_all([ctx.Process(target=w.cas_many, args=(ref, 2_000)) for _ in range(3)])
    assert ref.get() == {"n": 6_000}
    assert ref.compare_and_set({"n": 6_000}, [1, 2])  # an equal object, not the same
    assert not ref.compare_and_set({"n": 6_000}, [3]) and ref.get() == [1, 2]


def test_pool_workers_share_the_value():
    n = AtomicInteger(0)
    with mp.get_context("spawn").Pool(2) as pool:
        pids = pool.map_async(w.add_one, [n] * 50, chunksize=1).get(DEADLINE)
    assert n.get() == 50 and len(pids) == 50


def test_an_unrelated_process_opens_it_by_name():
    atom = Atom({"hits": 0})
    code = ("import sys; from shm_atomics.atomos.multiprocessing.atom import Atom\n"
            "a = Atom.open(sys.argv[1])\n"
            "for _ in range(1000): a.swap(lambda s: {'hits': s['hits'] + 1})\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, atom.name]) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=DEADLINE) == 0
    assert atom.deref() == {"hits": 2000}


def test_a_holder_killed_inside_a_swap_is_detected_and_the_value_is_intact():
    ctx = mp.get_context("fork")
    atom = Atom(7)
    ready = ctx.Event()
    p = ctx.Process(target=w.hold_forever, args=(atom, ready))
    p.start()
    try:
        assert ready.wait(DEADLINE), "the child never entered its swap"
        os.kill(p.pid, signal.SIGKILL)
        p.join(DEADLINE)
    finally:
        if p.is_alive():
            p.kill()
    assert p.exitcode == -signal.SIGKILL
    assert atom.swap(w.inc) == 8  # took the dead holder's lock over; 7 was kept whole
    assert atom.reference.dead_holders == 1
    assert atom.reference.last_dead_holder == p.pid


def test_a_value_larger_than_the_slot_raises_and_changes_nothing():
    ref = AtomicReference("small", capacity=64)
    with pytest.raises(ValueError, match="capacity="):
        ref.set("x" * 100)
    assert ref.get() == "small"
    with pytest.raises(ValueError, match="capacity"):
        AtomicReference(b"y" * 100, capacity=64)


def test_validators_and_watches():
    seen = []
    atom = Atom(1, validator=lambda v: v > 0)
    atom.add_watch("w", lambda k, ref, old, new: seen.append((k, ref is atom, old, new)))
    assert atom.swap(lambda v, d: v + d, 2) == 3
    assert atom.reset(5) == 5
    with pytest.raises(ValueError):
        atom.swap(lambda v: -v)
    with pytest.raises(ValueError):
        atom.compare_and_set(5, 0)
    assert atom.deref() == 5
    assert seen == [("w", True, 1, 3), ("w", True, 3, 5)]


def test_a_swap_function_that_uses_its_own_atom_raises():
    atom = Atom(0)
    with pytest.raises(RuntimeError, match="must not use the same reference"):
        atom.swap(lambda v: atom.deref())
    assert atom.swap(w.inc) == 1  # the lock was released


def test_threads_and_processes_swap_together():
    import threading

    atom = Atom(0)
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=w.swap_many, args=(atom, 5_000)) for _ in range(2)]
    threads = [threading.Thread(target=w.swap_many, args=(atom, 2_500)) for _ in range(4)]
    for t in threads:
        t.start()
    _run_all(procs)
    for t in threads:
        t.join(DEADLINE)
        assert not t.is_alive()
    assert atom.deref() == 20_000
