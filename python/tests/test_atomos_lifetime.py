"""Lifetimes of shm_atomics.atomos' shared objects: no leaked blocks or descriptors, a
silent resource tracker, orphans of a SIGKILLed creator found and removed, and
process-local objects that refuse to be pickled."""
import os
import pickle
import signal
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shm_atomics.atomos import atom, atomic
from shm_atomics.atomos.multiprocessing import collect_orphans, orphans
from shm_atomics.atomos.multiprocessing import atomic as mp_atomic
from shm_atomics.atomos.multiprocessing.atom import Atom as SharedAtom

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parents[1]
DEADLINE = 300


def test_temporaries_and_round_trips_leave_no_block_no_descriptor_no_stderr():
    out = subprocess.run(
        [sys.executable, "-c", "import atomos_workers as w; w.leak_scenario()"],
        cwd=TESTS, capture_output=True, text=True, timeout=DEADLINE)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no tracker KeyError, no leaked-object warning
    assert "methods-after-close-raise: True" in out.stdout
    assert "blocks: 0 extra-fds: 0" in out.stdout, out.stdout


def test_a_number_dying_while_a_bound_method_lives_unlinks_its_block():
    n = mp_atomic.AtomicInteger(3)
    load = n._view.load
    path = Path("/dev/shm") / n.name
    assert path.exists()
    del n
    assert not path.exists()
    with pytest.raises(ValueError):
        load()


def test_the_creator_owns_the_block_and_unpickled_copies_do_not():
    n = mp_atomic.AtomicLong(5)
    copy = pickle.loads(pickle.dumps(n))
    assert copy.add_and_get(1) == 6 and n.get() == 6
    path = Path("/dev/shm") / n.name
    del copy
    assert path.exists() and n.get() == 6
    n.close()
    assert not path.exists()
    with pytest.raises(ValueError):
        n.get()


def _shma_gc():
    """Removes orphans with `shma gc` (built with cargo); the names it reports."""
    cargo = shutil.which("cargo")
    assert cargo, "cargo is needed to build shma (install Rust)"
    subprocess.run([cargo, "build", "--quiet", "--all-features", "--bin", "shma"],
                   cwd=ROOT, check=True, timeout=DEADLINE)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    shma = (target if target.is_absolute() else ROOT / target) / "debug" / "shma"
    out = subprocess.run([str(shma), "gc"], capture_output=True, text=True,
                         timeout=DEADLINE, check=True)
    return [Path(line.split()[1]).name for line in out.stdout.splitlines()
            if line.startswith("removed /dev/shm/")]


@pytest.mark.parametrize("collect", [collect_orphans, _shma_gc])
def test_blocks_of_a_sigkilled_creator_are_found_and_removed(collect):
    code = ("from shm_atomics.atomos.multiprocessing.atom import Atom\n"
            "from shm_atomics.atomos.multiprocessing.atomic import AtomicInteger\n"
            "a, n = Atom([1]), AtomicInteger(1)\n"
            "print(a.name, n.name, flush=True)\n"
            "import time; time.sleep(600)\n")
    # Its own session, killed whole: the creator and its resource tracker both die.
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        names = p.stdout.readline().split()
        assert len(names) == 2
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=DEADLINE)
    finally:
        if p.poll() is None:
            p.kill()
        p.stdout.close()
    assert all((Path("/dev/shm") / n).exists() for n in names)
    assert set(names) <= set(orphans())
    removed = collect()
    assert set(names) <= set(removed)
    assert not any((Path("/dev/shm") / n).exists() for n in names)
    live = SharedAtom(0)  # a live creator's block is left alone
    assert live.name not in collect_orphans() and live.deref() == 0


@pytest.mark.parametrize("make, instead", [
    (lambda: atomic.AtomicReference(1), "multiprocessing.atomic.AtomicReference"),
    (lambda: atomic.AtomicNumber(1), "multiprocessing.atomic.AtomicNumber"),
    (lambda: atom.Atom(1), "multiprocessing.atom.Atom"),
])
def test_process_local_objects_refuse_to_be_pickled_and_name_the_shared_class(make, instead):
    with pytest.raises(TypeError, match=instead.replace(".", r"\.")):
        pickle.dumps(make())


def test_the_liveness_rule_is_the_runtimes():
    from shm_atomics.atomos.multiprocessing._block import alive
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    assert p.wait(timeout=DEADLINE) == 0  # reaped: its pid names no process now
    assert alive(os.getpid()) and not alive(p.pid)
    assert alive(0) and alive(1 << 31) and alive((1 << 32) - 1)  # cannot be told
