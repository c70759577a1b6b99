#!/usr/bin/env bash
# The Python package as users get it (run by .ci/run): the abi3 wheel for CPython >= 3.11,
# built with maturin and zig for manylinux2014 and checked with auditwheel; the whole
# pytest suite (python/tests) against that wheel installed into a fresh venv, on the
# oldest supported CPython (3.11) and on 3.13; the sdist installed with pip into a fresh
# venv; an aarch64 Linux wheel cross-built (built and checked only: there is no aarch64
# CPython here to run it). Fails on the first failure.
#
#   scripts/test-wheel.sh
#   PY311=/path/to/python3.11 PY313=/path/to/python3.13 scripts/test-wheel.sh
#
# The interpreters: $PY311 / $PY313 if set, else pyenv's (~/.pyenv/versions/3.1x.*),
# else /usr/bin/python3.1x, else python-build-standalone's through `uv python install`
# (PyPI's `uv`). A fresh machine guarantees only Debian's /usr/bin/python3.11. Needs the
# network for PyPI (maturin, ziglang, auditwheel, pytest, atomics 1.0.3, prometheus_client)
# and cargo; the aarch64 wheel needs rustup's aarch64-unknown-linux-gnu target (.ci/run
# adds it) and is skipped, loudly, without it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
start=$(date +%s)
OUT=target/wheels
TOOLS=target/wheel-tools
# Pinned: the versions this script was checked with.
TOOL_PKGS=("maturin==1.16.0" "ziglang==0.17.1" "auditwheel==6.8.2")
TEST_PKGS=(pytest "atomics==1.0.3" prometheus_client)   # as scripts/test-all.sh
ARM64_TARGET=aarch64-unknown-linux-gnu

# The build tools, in their own venv (any python3 >= 3.9 runs them).
if [ ! -x "$TOOLS/bin/python" ]; then
    python3 -m venv "$TOOLS"
fi
"$TOOLS/bin/python" -m pip install -q --upgrade pip
"$TOOLS/bin/python" -m pip install -q "${TOOL_PKGS[@]}"
export PATH="$ROOT/$TOOLS/bin:$PATH"   # maturin --zig runs `python -m ziglang`

# An interpreter of version $1 (e.g. 3.13), as the header says; empty if none.
find_python() {
    local v=$1 var p
    var="PY${v/./}"
    if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
    for p in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*/bin/python"$v" 2>/dev/null \
                | sort -V -r) "/usr/bin/python$v"; do
        if [ -x "$p" ]; then echo "$p"; return; fi
    done
    if "$TOOLS/bin/python" -m pip install -q "uv==0.9.*" >&2 \
        && "$TOOLS/bin/uv" python install "$v" >&2; then
        "$TOOLS/bin/uv" python find "$v"
    fi
}

echo "== maturin build --release --zig (abi3, manylinux2014, x86_64)"
rm -rf "$OUT"
maturin build --release --zig --compatibility manylinux2014 -m python/Cargo.toml \
    -i "$TOOLS/bin/python" -o "$OUT" --quiet
WHEEL=$(ls "$OUT"/shm_atomics-*-cp311-abi3-manylinux*_x86_64*.whl)
echo "   $WHEEL"
auditwheel show "$WHEEL" | tee "$OUT/auditwheel.txt"
grep -q '"manylinux_2_17_x86_64"' "$OUT/auditwheel.txt" \
    || { echo "error: $WHEEL is not manylinux2014 (manylinux_2_17) compliant"; exit 1; }

echo "== the wheel installed into fresh venvs: the whole pytest suite"
TESTS="$ROOT/python/tests"
RUN_DIR=$(mktemp -d)   # not python/: `import shm_atomics` must find the installed wheel
trap 'rm -rf "$RUN_DIR"' EXIT
for v in 3.11 3.13; do
    py=$(find_python "$v")
    if [ -z "$py" ]; then
        echo "== WARNING: no CPython $v (pyenv, /usr/bin, uv): the wheel is NOT tested on $v"
        [ "$v" = 3.11 ] && exit 1   # the oldest supported version must be tested
        continue
    fi
    venv="target/wheel-venv-$v"
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q "$WHEEL" "${TEST_PKGS[@]}"
    echo "== CPython $("$venv/bin/python" -c 'import platform; print(platform.python_version())')" \
        "($py): pytest python/tests"
    # `-c`, not a script on stdin: spawned children re-run a `__main__` read from a path.
    (cd "$RUN_DIR" && "$ROOT/$venv/bin/python" -c "$(cat <<'PY'
import pathlib, sys

import pytest
import shm_atomics

where = pathlib.Path(shm_atomics.__file__).resolve()
venv = pathlib.Path(sys.prefix).resolve()
assert venv in where.parents, f"shm_atomics came from {where}, not the wheel in {venv}"
print(f"   shm_atomics from {where}")
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", sys.argv[1]]))
PY
)" "$TESTS")
done

echo "== maturin sdist, installed with pip into a fresh venv"
maturin sdist -m python/Cargo.toml -o "$OUT" 2>&1 | grep -v '^warning: manifest has no\|^  |$\|= note: see'
SDIST=$(ls "$OUT"/shm_atomics-*.tar.gz)
venv=target/sdist-venv
rm -rf "$venv"
"$TOOLS/bin/python" -m venv "$venv"
# Its own target directory, kept between runs so dependencies are not rebuilt each time.
CARGO_TARGET_DIR="$ROOT/target/sdist-build" "$venv/bin/python" -m pip install -q "$SDIST"
(cd "$RUN_DIR" && "$ROOT/$venv/bin/python" - <<'PY'
import pathlib, sys
from multiprocessing import shared_memory

import shm_atomics as atomics

assert pathlib.Path(sys.prefix).resolve() in pathlib.Path(atomics.__file__).resolve().parents
shm = shared_memory.SharedMemory(create=True, size=8)
try:
    with atomics.atomicview(buffer=shm.buf[:8], atype=atomics.UINT) as v:
        v.fetch_add(5)
        assert v.load() == 5
finally:
    shm.close()
    shm.unlink()
print("   the sdist builds, installs and works:", atomics.__file__)
PY
)

if rustup target list --installed 2>/dev/null | grep -qx "$ARM64_TARGET"; then
    echo "== maturin build --release --zig --target $ARM64_TARGET (abi3, manylinux2014)"
    maturin build --release --zig --compatibility manylinux2014 --target "$ARM64_TARGET" \
        -m python/Cargo.toml -i "$TOOLS/bin/python" -o "$OUT" --quiet
    ARM_WHEEL=$(ls "$OUT"/shm_atomics-*-cp311-abi3-manylinux*_aarch64*.whl)
    echo "   $ARM_WHEEL"
    auditwheel show "$ARM_WHEEL" | tee "$OUT/auditwheel-aarch64.txt"
    grep -q '"manylinux_2_17_aarch64"' "$OUT/auditwheel-aarch64.txt" \
        || { echo "error: $ARM_WHEEL is not manylinux2014 compliant"; exit 1; }
else
    echo "== WARNING: no rustup target $ARM64_TARGET: the aarch64 wheel is NOT built"
fi

echo "== wheels: $(ls "$OUT" | tr '\n' ' ')"
echo "== scripts/test-wheel.sh took $(( $(date +%s) - start )) s"
