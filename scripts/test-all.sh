#!/usr/bin/env bash
# Every test of the repository: the Rust workspace, then the Python package (built with
# maturin into a virtual environment, tested with pytest beside the seed `atomics`
# 1.0.3 from PyPI for the differential tests, and prometheus_client for
# shm_atomics.prometheus). Fails on the first failure.
#
#   scripts/test-all.sh            # everything
#   SKIP_RUST=1 scripts/test-all.sh   # only the Python part
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_RUST:-0}" != 1 ]; then
    echo "== cargo test --workspace --all-features"
    cargo test --workspace --all-features
fi

echo "== Python package (python/): venv, maturin develop --release, pytest"
start=$(date +%s)
VENV=target/py-venv
PY=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "maturin>=1.16,<2" pytest "atomics==1.0.3" prometheus_client
VIRTUAL_ENV="$PWD/$VENV" "$VENV/bin/maturin" develop --release -q -m python/Cargo.toml
"$VENV/bin/python" -m pytest -q python/tests
echo "== Python part took $(( $(date +%s) - start )) s"
