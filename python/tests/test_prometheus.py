"""shm_atomics.prometheus: the prometheus_client collector names, types and labels every
value exactly as `shma export` does (both read back with prometheus_client's strict
OpenMetrics parser), counts exactly across real processes, and leaves out what does not
open with one logged line."""
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.openmetrics.exposition import generate_latest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from shm_atomics import Layout, Segment
from shm_atomics.prometheus import SegmentCollector, metric_name

from conftest import ROOT, run_rust

PORT = Layout("Port", [("rx_bytes", "u64"), ("errors_total", "u32")])
APP = Layout("AppStats", [
    ("requests_total", "u64"),
    ("temp_celsius", "f64"),
    ("up", "bool"),
    ("delta", "i16"),
    ("tag", "[u8; 8]"),
    ("latency", "u32", 3),
    ("ports", PORT, 2),
])


def shma() -> str:
    """The `shma` binary, built with cargo (never skipped: a missing cargo fails)."""
    cargo = shutil.which("cargo")
    assert cargo, "cargo is needed to build the shma binary (install Rust)"
    subprocess.run([cargo, "build", "--quiet", "--features", "cli", "--bin", "shma"],
                   cwd=ROOT, check=True, timeout=900)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return str(target / "debug" / "shma")


def samples(text: str) -> set:
    """Every sample of OpenMetrics `text` with its family's name, type and unit."""
    return {(f.name, f.type, f.unit, s.name, tuple(sorted(s.labels.items())), float(s.value))
            for f in text_string_to_metric_families(text) for s in f.samples}


def collected(*paths: str) -> str:
    reg = CollectorRegistry()
    reg.register(SegmentCollector(list(paths)))
    return generate_latest(reg).decode()


def test_naming_rule():
    assert metric_name("shma", "WebStats", "ports[1].errors_total", "uint") == \
        ("shma_web_stats_ports_errors", "counter", "")
    assert metric_name("shma", "NetStats", "slots[3].rx_bytes", "uint") == \
        ("shma_net_stats_slots_rx_bytes", "gauge", "bytes")
    assert metric_name("shma", "W", "hits", "uint", striped=True) == \
        ("shma_w_hits", "counter", "")
    assert metric_name("shma", "W", "delta_total", "int") == ("shma_w_delta_total", "gauge", "")
    assert metric_name("", "", "wait_seconds_total", "uint") == \
        ("wait_seconds", "counter", "seconds")
    assert metric_name("", "my-layout", "x", "int")[0] == "my_layout_x"


def test_same_metrics_as_shma_export(tmp_path, v2_layout):
    with Segment.create(str(tmp_path / "app"), APP) as s:
        s["requests_total"].store(42)
        s["temp_celsius"].store(21.5)
        s["up"].store(True)
        s["delta"].store(-3)
        s["latency[1]"].store(7)
        s["ports[1].rx_bytes"].store(1 << 40)
        s["ports[0].errors_total"].store(9)
    board = str(tmp_path / "board")
    run_rust(v2_layout, "make", board)
    run_rust(v2_layout, "write", board, "3")
    ours = collected(str(tmp_path))
    theirs = subprocess.run([shma(), "export", str(tmp_path), "--format", "openmetrics"],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    assert samples(ours) == samples(theirs)
    got = samples(ours)
    assert ("shma_app_stats_requests", "counter", "",
            "shma_app_stats_requests_total",
            (("path", "requests_total"), ("segment", "app")), 42.0) in got
    assert ("shma_app_stats_ports_rx_bytes", "gauge", "bytes",
            "shma_app_stats_ports_rx_bytes",
            (("index", "1"), ("path", "ports[1].rx_bytes"), ("segment", "app")),
            float(1 << 40)) in got
    # The Rust-made board: its record's values, all 3 from one write.
    pose = {s[3]: s[5] for s in got if "pose" in s[3]}
    assert pose and set(pose.values()) == {3.0}, pose
    assert not any(s[3].startswith("shma_app_stats_tag") for s in got)  # bytes: left out
    assert not any(s[3] == "shma_board_ready" for s in got)  # an Event: left out
    assert any(s[3] == "shma_board_hits_total" for s in got)  # a Striped counter


WORKER = """
import sys
from shm_atomics import Segment
with Segment.open(sys.argv[1]) as s:
    c = s["requests_total"]
    for _ in range(int(sys.argv[2])):
        c.inc()
"""


def test_exact_totals_from_processes(tmp_path):
    path = str(tmp_path / "app")
    Segment.create(path, APP).close()
    n, procs = 20_000, 4
    ps = [subprocess.Popen([sys.executable, "-c", WORKER, path, str(n)]) for _ in range(procs)]
    for p in ps:
        assert p.wait(timeout=120) == 0
    got = {s[3]: s[5] for s in samples(collected(path))}
    assert got["shma_app_stats_requests_total"] == float(n * procs)


def test_unopenable_files_are_left_out_and_logged_once(tmp_path, caplog):
    with Segment.create(str(tmp_path / "app"), APP) as s:
        s["requests_total"].store(5)
    (tmp_path / "junk").write_bytes(b"not a segment")
    reg = CollectorRegistry()
    reg.register(SegmentCollector(str(tmp_path)))
    with caplog.at_level(logging.WARNING, logger="shm_atomics.prometheus"):
        for _ in range(3):
            text = generate_latest(reg).decode()
            assert "shma_app_stats_requests_total{" in text
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "junk" in lines[0], lines


def test_prefork_example_serves_exact_totals():
    """python/examples/prometheus_workers.py: 4 worker processes count into one segment,
    and its /metrics shows the exact totals (the example asserts them)."""
    example = ROOT / "python" / "examples" / "prometheus_workers.py"
    r = subprocess.run([sys.executable, str(example)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert 'shma_web_requests_total{path="requests_total",segment="web"} 40000.0' in r.stdout
