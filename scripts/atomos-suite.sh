#!/usr/bin/env bash
# atomos' own test suite (the tests/ folder of github.com/maxcountryman/atomos) run
# against shm_atomics.atomos with only its import lines changed (`atomos.` ->
# `shm_atomics.atomos.`). The suite is not ours and is not committed: pass the folder
# that holds it.
#
#   scripts/atomos-suite.sh /path/to/atomos/tests   # e.g. a clone of atomos
#
# PyPI's atomos 0.3.1 sdist does not contain tests/ (its MANIFEST.in prunes it), so CI
# gets the folder from a clone of the repository:
#   git clone --depth 1 https://github.com/maxcountryman/atomos /tmp/atomos
#   scripts/atomos-suite.sh /tmp/atomos/tests
# Needs the package installed in target/py-venv (scripts/test-all.sh does it) and `six`
# (the suite imports it). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: scripts/atomos-suite.sh /path/to/atomos/tests [pytest args]}
shift
PY=${PYTHON:-target/py-venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tests"
for f in "$src"/test_*.py; do
    # Only the import lines change: `import atomos.x` becomes
    # `import shm_atomics.atomos.x; from shm_atomics import atomos`.
    sed -E -e 's/^import atomos\.([a-z_.]+)$/import shm_atomics.atomos.\1; from shm_atomics import atomos/' \
        "$f" >"$work/tests/$(basename "$f")"
done
"$PY" -m pip install -q six >/dev/null 2>&1 || true
cd "$work"
"$OLDPWD/$PY" -m pytest -q -p no:cacheprovider tests "$@"
