//! The naming rule: how a field of a segment becomes a metric, with no metadata stored
//! anywhere (so every segment ever made exports, and nothing in the format changes).
//!
//! - Family name: `<prefix>_<layout>_<path>`, where `<layout>` is the layout's name in
//!   snake case (`NetStats` -> `net_stats`) and `<path>` the field path without its
//!   indexes, `.` written `_` (`slots[3].rx_bytes` -> `slots_rx_bytes`). Every character
//!   outside `[a-zA-Z0-9_]` becomes `_`.
//! - Type: a **counter** when the values are unsigned integers and the field is a
//!   `Striped` counter or its name ends in `_total`; a **gauge** otherwise. A counter's
//!   family drops the `_total` and its sample is named `<family>_total`.
//! - Unit: when the family name (without `_total`) ends in `_<unit>` for one of
//!   Prometheus' base units ([`UNITS`]), OpenMetrics gets `# UNIT <family> <unit>`.
//! - Help: the layout, the field path (indexes as `[*]`) and its Rust type.

use shm_atomics::Kind;

/// The units recognised at the end of a name (Prometheus' base units).
pub const UNITS: [&str; 10] = [
    "seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams", "celsius",
    "kelvin",
];

/// Counter or gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricType {
    /// Only goes up (a reset to a lower value is seen as a restart).
    Counter,
    /// Goes up and down.
    Gauge,
}

/// What the naming rule makes of one field.
#[derive(Debug, PartialEq, Eq)]
pub struct Name {
    /// The family name (a counter's without `_total`).
    pub family: String,
    /// Counter or gauge.
    pub ty: MetricType,
    /// The unit, if the name ends in one.
    pub unit: Option<&'static str>,
}

/// Appends `s` with every character outside `[a-zA-Z0-9_]` written `_`.
fn push_sanitized(out: &mut String, s: &str) {
    out.extend(s.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    }));
}

/// `NetStats` -> `net_stats`, `HTTPServer` -> `httpserver`, `my-layout` -> `my_layout`.
pub fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            push_sanitized(&mut out, c.encode_utf8(&mut [0; 4]));
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// The indexes of a path, outermost first: `slots[3].hist[1]` -> `["3", "1"]`.
pub fn indexes(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = path;
    std::iter::from_fn(move || {
        let open = rest.find('[')?;
        let len = rest[open..].find(']')?;
        let index = &rest[open + 1..open + len];
        rest = &rest[open + len..];
        Some(index)
    })
}

/// The path with every index written `[*]`: `slots[3].rx` -> `slots[*].rx`.
pub fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[*]");
            }
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// The metric for the field at `path` of layout `layout`, holding values of `kind`
/// (`striped`: the sum of a striped counter).
pub fn name(prefix: &str, layout: &str, path: &str, kind: Kind, striped: bool) -> Name {
    let mut family = String::with_capacity(prefix.len() + layout.len() + path.len() + 2);
    for part in [prefix, &snake(layout)] {
        if !part.is_empty() {
            push_sanitized(&mut family, part);
            family.push('_');
        }
    }
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            '.' => family.push('_'),
            c if !in_index => push_sanitized(&mut family, c.encode_utf8(&mut [0; 4])),
            _ => {}
        }
    }
    if family.starts_with(|c: char| c.is_ascii_digit()) || family.is_empty() {
        family.insert(0, '_');
    }
    let counter = kind == Kind::Uint && (striped || family.ends_with("_total"));
    if counter && family.ends_with("_total") && family.len() > "_total".len() {
        family.truncate(family.len() - "_total".len());
    }
    let unit = UNITS
        .iter()
        .find(|u| {
            family
                .strip_suffix(*u)
                .is_some_and(|rest| rest.ends_with('_'))
        })
        .copied();
    Name {
        family,
        ty: if counter {
            MetricType::Counter
        } else {
            MetricType::Gauge
        },
        unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = name("shma", "Board", "hits_total", Kind::Uint, false);
        assert_eq!(n.family, "shma_board_hits");
        assert_eq!(n.ty, MetricType::Counter);
        let n = name("shma", "NetStats", "slots[3].rx_bytes", Kind::Uint, false);
        assert_eq!(
            (n.family.as_str(), n.ty, n.unit),
            (
                "shma_net_stats_slots_rx_bytes",
                MetricType::Gauge,
                Some("bytes")
            )
        );
        let n = name("shma", "Web", "per_core[1]", Kind::Uint, true);
        assert_eq!(
            (n.family.as_str(), n.ty),
            ("shma_web_per_core", MetricType::Counter)
        );
        // Signed values and floats are never counters, whatever the name.
        let n = name("shma", "W", "delta_total", Kind::Int, false);
        assert_eq!(
            (n.family.as_str(), n.ty),
            ("shma_w_delta_total", MetricType::Gauge)
        );
        let n = name("", "", "wait_seconds_total", Kind::Uint, false);
        assert_eq!(
            (n.family.as_str(), n.unit),
            ("wait_seconds", Some("seconds"))
        );
        assert_eq!(
            name("", "my-layout", "x", Kind::Int, false).family,
            "my_layout_x"
        );
        assert_eq!(name("", "9", "x", Kind::Int, false).family, "_9_x");
        assert_eq!(name("", "", "xbytes", Kind::Int, false).unit, None);
    }

    #[test]
    fn helpers() {
        assert_eq!(snake("HTTPServer"), "httpserver");
        assert_eq!(snake("NetStats2x"), "net_stats2x");
        assert_eq!(snake("a b"), "a_b");
        assert_eq!(
            indexes("slots[3].hist[10]").collect::<Vec<_>>(),
            ["3", "10"]
        );
        assert_eq!(indexes("hits").count(), 0);
        assert_eq!(pattern("slots[3].hist[10]"), "slots[*].hist[*]");
    }
}
