"""Process targets for the shared atomos tests (module level, so that spawn, forkserver
and Pool workers can import them)."""
import os
import time

from shm_atomics.atomos.multiprocessing.atomic import AtomicReference


def inc(n):
    return n + 1


def swap_many(atom, count):
    for _ in range(count):
        atom.swap(inc)


def cas_many(ref, count):
    """Adds 1 `count` times to `ref`'s {"n": ...} with compare_and_set retries."""
    for _ in range(count):
        while True:
            old = ref.get()
            if ref.compare_and_set(old, {"n": old["n"] + 1}):
                break


def add_one(number):
    number.add_and_get(1)
    return os.getpid()


def hold_forever(atom, ready):
    """Swaps with a function that signals `ready` and then sleeps: killed inside it."""
    def stuck(state):
        ready.set()
        time.sleep(600)
        return state
    atom.swap(stuck)


def spawn_round_trips():
    """How many spawn Process round trips leak_scenario makes: 100, or
    SHM_ATOMICS_TEST_SPAWNS (scripts/test-wheel.sh sets 10 under qemu-user, where each
    spawned interpreter takes seconds to start)."""
    text = os.environ.get("SHM_ATOMICS_TEST_SPAWNS", "100")
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(f"SHM_ATOMICS_TEST_SPAWNS={text!r}: expected a positive integer")
    return count


def leak_scenario():
    """1,000 temporaries (some outliving their bound methods' owners), spawn Process
    round trips (spawn_round_trips()) and 100 Pool round trips; prints the blocks of this
    process and the extra descriptors left (both must be 0)."""
    import gc
    import multiprocessing as mp

    from shm_atomics.atomos.multiprocessing import atomic as a
    from shm_atomics.atomos.multiprocessing.atom import Atom

    def blocks():
        prefix = f"shma_py_{os.getpid()}_"
        return sorted(n for n in os.listdir("/dev/shm") if n.startswith(prefix))

    def fds():
        return len(os.listdir("/proc/self/fd"))

    a.AtomicInteger(0).close()  # starts the resource tracker before the baseline
    ctx = mp.get_context("spawn")
    base = fds()
    pool = ctx.Pool(2)
    kept = []
    for i in range(1000):
        n = [a.AtomicInteger, a.AtomicLong, a.AtomicFloat, a.AtomicBoolean][i % 4]()
        kept.append(n._view.load)  # a bound method of its view outlives the number
        r = AtomicReference(i) if i % 10 == 0 else None
        del n, r
    print("methods-after-close-raise:", _raises(kept[0]))
    del kept
    for _ in range(spawn_round_trips()):
        n = a.AtomicInteger(0)
        p = ctx.Process(target=add_one, args=(n,))
        p.start()
        p.join(60)
        assert p.exitcode == 0 and n.get() == 1
    atom = Atom(0)
    ref = a.AtomicLong(0)
    for _ in range(100):
        pool.apply_async(add_one, (ref,)).get(60)
        pool.apply_async(swap_many, (atom, 1)).get(60)
    assert ref.get() == 100 and atom.deref() == 100
    del n, p, atom, ref
    pool.close()
    pool.join()
    del pool
    gc.collect()
    print("blocks:", len(blocks()), "extra-fds:", fds() - base)


def _raises(fn):
    try:
        fn()
    except ValueError:
        return True
    return False

