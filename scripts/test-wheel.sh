#!/usr/bin/env bash
# The Python package as users get it (run by .ci/run): the abi3 wheel for CPython >= 3.11,
# built with maturin and zig for manylinux2014 and checked with auditwheel; the whole
# pytest suite (python/tests) against that wheel installed into a fresh venv, on the
# oldest supported CPython (3.11) and on 3.13; the sdist installed with pip into a fresh
# venv; an aarch64 Linux wheel cross-built, checked with auditwheel and tested with the
# whole pytest suite under qemu-user, in a venv of Debian's arm64 CPython 3.11 (unpacked
# into target/aarch64-python, not installed). Fails on the first failure.
#
#   scripts/test-wheel.sh
#   PY311=/path/to/python3.11 PY313=/path/to/python3.13 scripts/test-wheel.sh
#
# The interpreters: $PY311 / $PY313 if set, else pyenv's (~/.pyenv/versions/3.1x.*),
# else /usr/bin/python3.1x, else python-build-standalone's through `uv python install`
# (PyPI's `uv`). A fresh machine guarantees only Debian's /usr/bin/python3.11. Needs the
# network for PyPI (maturin, ziglang, auditwheel, pytest, atomics 1.0.3, prometheus_client)
# and cargo; the aarch64 wheel needs rustup's aarch64-unknown-linux-gnu target (.ci/run
# adds it) and is skipped, loudly, without it. Its tests need qemu-user-static with binfmt
# for qemu-aarch64 (scripts/test-emulated.sh aarch64-unknown-linux-gnu sets them up),
# apt-get, dpkg-deb and deb.debian.org for the interpreter; without them the script fails,
# saying which is missing.
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

# An aarch64 CPython $ARM64_PY for the aarch64 wheel's tests under qemu-user: Debian
# $ARM64_SUITE's arm64 packages, fetched by apt-get with its own lists, cache and
# sources (the machine's apt and dpkg state are not touched) and unpacked with dpkg-deb
# into $ARM64_DIR/root, a sysroot with its own glibc. Not python-build-standalone through
# `uv python install`: it downloads from GitHub, which CI cannot reach (only package
# registries). Exits, saying why, when the interpreter cannot be had.
ARM64_PY=3.11   # the oldest supported CPython
ARM64_SUITE=bookworm
ARM64_DIR=target/aarch64-python
ARM64_DEBS=(libc6 libgcc-s1 zlib1g libexpat1 libssl3 libffi8 libbz2-1.0 liblzma5 libuuid1
            libcrypt1 "python$ARM64_PY-minimal" "libpython$ARM64_PY-minimal"
            "libpython$ARM64_PY-stdlib")
arm64_fail() {
    echo "error: no aarch64 CPython $ARM64_PY, so the aarch64 wheel's tests cannot run: $*" >&2
    exit 1
}
arm64_python() {
    local d=$ROOT/$ARM64_DIR binfmt=/proc/sys/fs/binfmt_misc/qemu-aarch64
    # The tests' child processes start $venv/bin/python through the kernel: binfmt.
    grep -qx enabled "$binfmt" 2>/dev/null || arm64_fail "binfmt for qemu-aarch64 is" \
        "not registered ($binfmt); scripts/test-emulated.sh aarch64-unknown-linux-gnu" \
        "installs qemu-user-static and binfmt-support and enables it"
    [ -e "$d/ok" ] && return   # unpacked and checked by an earlier run
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
        || arm64_fail "it is taken from Debian's arm64 packages, which needs apt-get and dpkg-deb"
    local key=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$key" ] || arm64_fail "$key is missing (Debian's debian-archive-keyring package)"
    rm -rf "$d"
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/debs" "$d/root"
    local u=http://deb.debian.org/debian
    printf 'deb [arch=arm64 signed-by=%s] %s %s main\n' \
        "$key" "$u" "$ARM64_SUITE" "$key" "$u" "$ARM64_SUITE-updates" \
        "$key" "$u-security" "$ARM64_SUITE-security" >"$d/sources.list"
    local apt=(-o "Dir::State::Lists=$d/lists" -o "Dir::State::status=/dev/null"
               -o "Dir::Cache=$d/cache" -o "Dir::Etc::SourceList=$d/sources.list"
               -o Dir::Etc::SourceParts=/dev/null -o APT::Architecture=arm64
               -o APT::Architectures::=arm64 -o Debug::NoLocking=1
               -o APT::Sandbox::User=root)   # root or not: files in $d are the caller's
    apt-get -qq "${apt[@]}" update \
        || arm64_fail "apt-get update of $u ($ARM64_SUITE, arm64) failed (network?)"
    (cd "$d/debs" && apt-get -qq "${apt[@]}" download "${ARM64_DEBS[@]}") \
        || arm64_fail "apt-get download ${ARM64_DEBS[*]} (arm64) failed"
    local deb
    for deb in "$d"/debs/*.deb; do dpkg-deb -x "$deb" "$d/root"; done
    rm -rf "$d/lists" "$d/cache" "$d/debs"
    qemu_py "$d/root/usr/bin/python$ARM64_PY" -c 'import ssl, ctypes, zlib' \
        || arm64_fail "the unpacked $d/root/usr/bin/python$ARM64_PY does not run under qemu"
    touch "$d/ok"
}
# Runs an aarch64 program, under qemu through binfmt, with the sysroot above (its children
# inherit QEMU_LD_PREFIX).
qemu_py() { QEMU_LD_PREFIX="$ROOT/$ARM64_DIR/root" "$@"; }

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
# Run with `-c`, not as a script on stdin: spawned children re-run a `__main__` read from a
# path. Argument: the tests' directory.
RUNNER=$(cat <<'PY'
import pathlib, sys

import pytest
import shm_atomics

where = pathlib.Path(shm_atomics.__file__).resolve()
venv = pathlib.Path(sys.prefix).resolve()
assert venv in where.parents, f"shm_atomics came from {where}, not the wheel in {venv}"
print(f"   shm_atomics from {where}")
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", sys.argv[1]]))
PY
)
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
    (cd "$RUN_DIR" && "$ROOT/$venv/bin/python" -c "$RUNNER" "$TESTS")
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

    echo "== an aarch64 CPython $ARM64_PY (Debian $ARM64_SUITE arm64, unpacked into $ARM64_DIR)"
    arm64_python
    venv=target/wheel-venv-aarch64
    rm -rf "$venv"
    qemu_py "$ARM64_DIR/root/usr/bin/python$ARM64_PY" -m venv --without-pip "$venv"
    # pip runs natively and installs aarch64 wheels into the venv (--platform needs
    # --only-binary: nothing is built for aarch64 here). The emulated pip would take minutes.
    "$TOOLS/bin/python" -m pip install -q --only-binary=:all: --platform manylinux2014_aarch64 \
        --implementation cp --python-version "$ARM64_PY" \
        --target "$venv/lib/python$ARM64_PY/site-packages" "$ARM_WHEEL" "${TEST_PKGS[@]}"
    arm_py=$(qemu_py "$venv/bin/python" -c 'import platform
print(platform.python_version(), platform.machine())')
    [ "${arm_py#* }" = aarch64 ] \
        || { echo "error: $venv/bin/python reports \"$arm_py\", not aarch64"; exit 1; }
    echo "== CPython $arm_py under qemu-aarch64: pytest python/tests"
    arm_start=$(date +%s)
    # 10 spawn round trips in the leak test, not 100: a spawned interpreter takes seconds
    # to start under qemu, and one leaked block or descriptor shows after any of them.
    (cd "$RUN_DIR" && SHM_ATOMICS_TEST_SPAWNS="${SHM_ATOMICS_TEST_SPAWNS:-10}" \
        qemu_py "$ROOT/$venv/bin/python" -c "$RUNNER" "$TESTS")
    echo "   the aarch64 suite took $(( $(date +%s) - arm_start )) s"
else
    echo "== WARNING: no rustup target $ARM64_TARGET: the aarch64 wheel is NOT built"
fi

echo "== wheels: $(ls "$OUT" | tr '\n' ' ')"
echo "== scripts/test-wheel.sh took $(( $(date +%s) - start )) s"
