"""The layouts of examples/open_layout.rs, declared again in Python (field for field)."""
from shm_atomics import Field, Layout

NET = Layout("Net", [("rx", "u64"), ("tx", "u32"), ("up", "bool")])

STATS = Layout("Stats", [
    ("hits", "u64"),
    ("net", NET),
    ("latency_us", "u32", 8),
    Field("flag", "bool", align=64),
    ("links", NET, 3),
    ("small", "i8"),
], align=128)

WIDE = Layout("Wide", [
    ("tag", "u8"),
    Field("both", "u128", align=64),
    ("id", "[u8; 16]"),
    ("pair", "i128", 2),
])

FLAGS = Layout("Flags", [
    ("on", "bool"),
    ("bits", "bool", 7),
    ("ratio", "f32"),
    ("temps", "f64", 2),
    ("tag", "bytes4"),
    ("delta", "i64"),
])

MIXED = Layout("Mixed", [("hits", "u64"), ("started", "u32")])

ALL = {"Net": NET, "Stats": STATS, "Wide": WIDE, "Flags": FLAGS, "Mixed": MIXED}
