"""Shared pytest fixtures and helpers."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build_example(name: str) -> str:
    """Builds the Rust example `examples/NAME.rs` with cargo; its path (never skipped: a
    missing cargo fails the tests that need it, with the reason)."""
    cargo = shutil.which("cargo")
    assert cargo, f"cargo is needed to build examples/{name}.rs (install Rust)"
    subprocess.run([cargo, "build", "--quiet", "--example", name], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    exe = target / "debug" / "examples" / name
    assert exe.exists(), f"{exe} was not built"
    return str(exe)


@pytest.fixture(scope="session")
def open_layout() -> str:
    """The Rust example `examples/open_layout.rs`."""
    return build_example("open_layout")


@pytest.fixture(scope="session")
def v2_layout() -> str:
    """The Rust example `examples/v2_layout.rs` (Seq, Striped and Event fields)."""
    return build_example("v2_layout")


def run_rust(exe: str, *args: str) -> str:
    """Runs the example; its stdout, stripped (fails the test with its stderr)."""
    r = subprocess.run([exe, *args], capture_output=True, text=True)
    assert r.returncode == 0, f"open_layout {' '.join(args)} failed: {r.stderr}"
    return r.stdout.strip()
