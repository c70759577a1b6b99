"""Shared pytest fixtures and helpers."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def open_layout() -> str:
    """The Rust example `examples/open_layout.rs`, built by cargo (never skipped: a
    missing cargo fails the tests that need it, with the reason)."""
    cargo = shutil.which("cargo")
    assert cargo, "cargo is needed to build examples/open_layout.rs (install Rust)"
    subprocess.run([cargo, "build", "--quiet", "--example", "open_layout"], cwd=ROOT,
                   check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    exe = target / "debug" / "examples" / "open_layout"
    assert exe.exists(), f"{exe} was not built"
    return str(exe)


def run_rust(exe: str, *args: str) -> str:
    """Runs the example; its stdout, stripped (fails the test with its stderr)."""
    r = subprocess.run([exe, *args], capture_output=True, text=True)
    assert r.returncode == 0, f"open_layout {' '.join(args)} failed: {r.stderr}"
    return r.stdout.strip()
