#!/usr/bin/env python3
"""Plot the contention-scaling CSV of the bench report (`benches/report/`).

    cargo bench --bench report -- --csv target/contention.csv
    python3 scripts/plot_contention.py target/contention.csv docs/contention.png \
        [--note "8-core desktop, full run"]

The CSV has the columns threads,variant,ns_per_op,mops_per_s; the plot shows the total
throughput (million operations per second, all threads together) against the number of
threads for each variant: one shared counter, per-thread counters adjacent in memory
(false sharing) and per-thread counters padded to a cache line each
(`#[atomic(align = 64)]`).

Needs matplotlib (`pip install matplotlib`).
"""

import csv
import sys
from collections import defaultdict

LABELS = {
    "one_counter": "one shared counter",
    "per_thread_adjacent": "per-thread counters, adjacent (false sharing)",
    "per_thread_padded": "per-thread counters, #[atomic(align = 64)]",
}


def main(argv):
    note = None
    if "--note" in argv:
        i = argv.index("--note")
        if i + 1 >= len(argv):
            print("plot_contention: --note needs a value", file=sys.stderr)
            return 2
        note = argv[i + 1]
        argv = argv[:i] + argv[i + 2 :]
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    src = argv[1]
    out = argv[2] if len(argv) == 3 else "docs/contention.png"
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_contention: needs matplotlib (pip install matplotlib)", file=sys.stderr)
        return 1

    series = defaultdict(list)
    with open(src, newline="") as f:
        for row in csv.DictReader(f):
            series[row["variant"]].append((int(row["threads"]), float(row["mops_per_s"])))
    if not series:
        print(f"plot_contention: no rows in {src}", file=sys.stderr)
        return 1

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for variant in sorted(series, key=lambda v: list(LABELS).index(v) if v in LABELS else 99):
        pts = sorted(series[variant])
        ax.plot(
            [t for t, _ in pts],
            [m for _, m in pts],
            marker="o",
            label=LABELS.get(variant, variant),
        )
    threads = sorted({t for pts in series.values() for t, _ in pts})
    ax.set_xticks(threads)
    ax.set_xlabel("threads")
    ax.set_ylabel("million fetch_add(1) per second, all threads")
    title = "Atomic<u64>::fetch_add under contention"
    ax.set_title(f"{title}\n({note})" if note else f"{title} (this machine)", fontsize=10)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
