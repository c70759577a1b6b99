#!/usr/bin/env python3
"""Compile time of #[atomic_layout] against the same fields as a plain #[repr(C)] struct.

Generates four crates in one scratch workspace that depends on `shm-atomics` by path:

    layout_1x1000   one #[atomic_layout] of 1,000 u64 fields
    plain_1x1000    the same fields as a #[repr(C)] struct of AtomicU64
    layout_100x10   100 #[atomic_layout]s of 10 u64 fields each
    plain_100x10    the same as 100 plain #[repr(C)] structs

builds their dependencies once, then for each crate touches src/lib.rs and times
`cargo check` and `cargo build` (debug) of that crate alone, the median of --runs runs,
and prints the times and the layout/plain ratios. Usage:

    python3 scripts/compile_time.py [--runs 3] [--shm-atomics PATH] [--dir DIR]
    python3 scripts/compile_time.py --clean [--shm-atomics PATH]

`--clean` instead times the clean debug build (empty target directory, every dependency
compiled) of a minimal dependent with one #[atomic_layout], and lists the crates built
twice in different versions (`cargo tree -d`), such as two majors of syn.

`--shm-atomics` is the path of the crate to measure (default: this checkout), so the
same script times another checkout (e.g. `git worktree add /tmp/base main`) for a
before/after comparison in one run. Timings are wall-clock and noisy on a busy machine:
compare the ratios, and look at `uptime`.
"""

import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

CASES = [
    # (name, layouts, fields per layout, plain?)
    ("layout_1x1000", 1, 1000, False),
    ("plain_1x1000", 1, 1000, True),
    ("layout_100x10", 100, 10, False),
    ("plain_100x10", 100, 10, True),
]


def source(layouts, fields, plain):
    out = []
    if plain:
        out.append("use core::sync::atomic::AtomicU64;\n")
    else:
        out.append("use shm_atomics::atomic_layout;\n")
    for l in range(layouts):
        if plain:
            out.append("#[repr(C)]\n")
        else:
            out.append("#[atomic_layout]\n")
        out.append(f"pub struct L{l} {{\n")
        ty = "AtomicU64" if plain else "u64"
        for f in range(fields):
            out.append(f"    pub f{f}: {ty},\n")
        out.append("}\n")
    return "".join(out)


def generate(base, shm):
    members = [name for name, *_ in CASES]
    (base / "Cargo.toml").write_text(
        "[workspace]\nresolver = \"3\"\nmembers = [%s]\n"
        % ", ".join(f'"{m}"' for m in members)
    )
    for name, layouts, fields, plain in CASES:
        d = base / name
        (d / "src").mkdir(parents=True, exist_ok=True)
        (d / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\n'
            f"publish = false\n\n[dependencies]\n"
            f'shm-atomics = {{ path = "{shm}" }}\n'
        )
        (d / "src" / "lib.rs").write_text(source(layouts, fields, plain))


def cargo(base, *args):
    r = subprocess.run(
        ["cargo", *args, "--quiet"],
        cwd=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if r.returncode != 0:
        sys.exit(f"cargo {' '.join(args)} failed:\n{r.stderr}")


def cpu():
    """User + system seconds of every child process that has ended (the compilers):
    steadier than wall time on a busy machine."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(base, name, cmd, runs):
    times = []
    lib = base / name / "src" / "lib.rs"
    for _ in range(runs):
        lib.touch()
        t0 = time.perf_counter()
        cargo(base, cmd, "-p", name)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def clean(shm, base):
    d = base / "clean_dependent"
    (d / "src").mkdir(parents=True, exist_ok=True)
    (d / "Cargo.toml").write_text(
        '[package]\nname = "clean_dependent"\nversion = "0.0.0"\nedition = "2024"\n'
        f'publish = false\n\n[dependencies]\nshm-atomics = {{ path = "{shm}" }}\n\n'
        "[workspace]\n"
    )
    (d / "src" / "lib.rs").write_text(source(1, 10, False))
    target = d / "target"
    subprocess.run(["rm", "-rf", str(target)], check=True)
    cargo(d, "fetch")
    c0 = cpu()
    t0 = time.perf_counter()
    cargo(d, "build")
    t = time.perf_counter() - t0
    c = cpu() - c0
    dup = subprocess.run(
        ["cargo", "tree", "-d", "-e", "normal,build", "--depth", "0"],
        cwd=d,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    load = os.getloadavg()[0]
    print(f"# clean debug build of a minimal dependent (load {load:.2f})")
    print(f"# shm-atomics: {shm}")
    print(f"clean build s {t:8.2f} wall, {c:8.2f} cpu (user+sys of every process)")
    print("duplicates (cargo tree -d):")
    print(dup.strip() or "none")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shm-atomics", default=str(ROOT))
    ap.add_argument("--dir", default=str(ROOT / "target" / "compile_time"))
    ap.add_argument("--clean", action="store_true")
    a = ap.parse_args()
    base = pathlib.Path(a.dir).resolve()
    base.mkdir(parents=True, exist_ok=True)
    if a.clean:
        clean(pathlib.Path(a.shm_atomics).resolve(), base)
        return
    generate(base, pathlib.Path(a.shm_atomics).resolve())
    # Dependencies once (and a first build of each case), outside the timing.
    for cmd in ("check", "build"):
        cargo(base, cmd, "--workspace")
    results = {}
    for cmd in ("check", "build"):
        for name, *_ in CASES:
            results[(cmd, name)] = timed(base, name, cmd, a.runs)
    load = os.getloadavg()[0]
    print(f"# #[atomic_layout] compile time (median of {a.runs}, load {load:.2f})")
    print(f"# shm-atomics: {pathlib.Path(a.shm_atomics).resolve()}")
    print(f"{'crate':<16} {'check s':>9} {'build s':>9}")
    for name, *_ in CASES:
        print(
            f"{name:<16} {results[('check', name)]:>9.3f} {results[('build', name)]:>9.3f}"
        )
    for shape in ("1x1000", "100x10"):
        for cmd in ("check", "build"):
            ratio = results[(cmd, f"layout_{shape}")] / results[(cmd, f"plain_{shape}")]
            print(f"ratio layout/plain {shape:<7} {cmd:<6} {ratio:6.1f}x")


if __name__ == "__main__":
    main()
