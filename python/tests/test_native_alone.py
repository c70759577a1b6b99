"""The native module never imports the Python package: loaded on its own it works, and
what needs the package's classes says to import the package (the package registers them
at import, python/src/registry.rs)."""
import subprocess
import sys

import shm_atomics
from shm_atomics import _native

ALONE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("_native", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
a = m.AtomicInt(width=8)
a.store(41)
a.inc()
assert a.load() == 42
try:
    a.ops_supported
except ImportError as e:
    assert "import shm_atomics" in str(e), e
else:
    raise AssertionError("ops_supported worked without the registered OpType")
assert "shm_atomics" not in sys.modules, "the native module imported the package"
print("ok")
"""


def test_native_module_alone_never_imports_the_package():
    r = subprocess.run([sys.executable, "-c", ALONE, _native.__file__], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_the_package_registered_its_classes():
    a = shm_atomics.atomic(width=4, atype=shm_atomics.INT)
    assert a.ops_supported[0] is shm_atomics.OpType.STORE
    assert shm_atomics.Layout("L", [("x", "u8")]).fields[0] == shm_atomics.FieldInfo(
        "x", "u8", "uint", 1, 0, None, 1, None)


def test_the_segment_api_is_public_and_its_old_path_still_imports():
    import shm_atomics.segment as public
    from shm_atomics._impl import segment as old
    for name in ["Segment", "SegmentError", "SegmentInfo", "Layout", "Field", "FieldInfo",
                 "FieldGroup", "FieldArray", "Event", "Striped", "SeqRecord", "SeqSnapshot",
                 "PathError"]:
        assert getattr(shm_atomics, name) is getattr(public, name) is getattr(old, name)
