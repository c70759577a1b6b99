//! The two text formats: Prometheus' text exposition format 0.0.4 and OpenMetrics 1.0
//! (modelled on the prometheus-client crate's `encoding/text.rs`).
//!
//! A family is written as its metadata lines, then its samples (always one group):
//!
//! ```text
//! # HELP shma_web_requests Field requests_total of layout Web (u64).     (0.0.4: ..._total)
//! # TYPE shma_web_requests counter                                       (0.0.4: ..._total)
//! # UNIT shma_web_wait_seconds seconds                                   (OpenMetrics only)
//! shma_web_requests_total{segment="web",path="requests_total"} 42
//! ```
//!
//! OpenMetrics ends with `# EOF`. The samples are the same text in both formats, so they
//! are rendered once ([`sample`]) and only the metadata differs ([`write()`]).

use std::io::{self, Write};

use shm_atomics::{DynValue, Kind};

use super::naming::MetricType;

/// The exposition format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    Prometheus,
    /// OpenMetrics 1.0 (`application/openmetrics-text; version=1.0.0`).
    Openmetrics,
}

impl Format {
    /// The HTTP `Content-Type` of this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Format::Openmetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// One metric family: its metadata and its rendered sample lines.
#[derive(Debug)]
pub struct Family {
    /// The family name (a counter's without `_total`).
    pub name: String,
    /// Counter or gauge.
    pub ty: MetricType,
    /// The unit, if any (written in OpenMetrics only).
    pub unit: Option<&'static str>,
    /// The help text (unescaped).
    pub help: String,
    /// The sample lines, each ending in `\n`.
    pub samples: String,
    /// How many sample lines.
    pub count: usize,
}

/// Appends `s` escaped: `\` as `\\` and a line feed as `\n` always, and `"` as `\"` when
/// `quote` (label values in both formats, help text in OpenMetrics). The one escaping
/// function of both formats.
pub fn escape(out: &mut String, s: &str, quote: bool) {
    if !s
        .bytes()
        .any(|b| b == b'\\' || b == b'\n' || (quote && b == b'"'))
    {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// A value as both formats write it: integers in exact decimal (a 16-byte one too: a
/// reader that holds numbers as `f64`, Prometheus, rounds it to 53 bits), bools as 0 or
/// 1, floats as the shortest text that reads back the same, `NaN`, `+Inf`, `-Inf`.
/// `None` for bytes.
pub fn value(out: &mut String, v: &DynValue) -> Option<()> {
    use std::fmt::Write as _;
    match v.kind() {
        Kind::Int => write!(out, "{}", v.as_i128()).ok(),
        Kind::Uint => write!(out, "{}", v.as_u128()).ok(),
        Kind::Bool => {
            out.push(if v.as_bool() { '1' } else { '0' });
            Some(())
        }
        Kind::Float => {
            let f = v.as_f64()?;
            if f.is_nan() {
                out.push_str("NaN");
            } else if f.is_infinite() {
                out.push_str(if f > 0.0 { "+Inf" } else { "-Inf" });
            } else if v.width() == 4 {
                // The f32's own shortest text (`0.1`, not the widened `0.10000000149...`).
                write!(out, "{:?}", f as f32).ok()?;
            } else {
                write!(out, "{f:?}").ok()?;
            }
            Some(())
        }
        Kind::Bytes => None,
    }
}

/// Appends one sample line of `family`: its name (`_total` added for a counter), the
/// labels (names already valid, values escaped here) and the rendered `value`.
pub fn sample<'a>(
    out: &mut String,
    family: &str,
    ty: MetricType,
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    v: &str,
) {
    out.push_str(family);
    if ty == MetricType::Counter {
        out.push_str("_total");
    }
    let mut first = true;
    for (name, value) in labels {
        out.push(if first { '{' } else { ',' });
        first = false;
        out.push_str(name);
        out.push_str("=\"");
        escape(out, value, true);
        out.push('"');
    }
    if !first {
        out.push('}');
    }
    out.push(' ');
    out.push_str(v);
    out.push('\n');
}

/// Writes `families` in `format`: per family its metadata then its samples, and
/// `# EOF` at the end of OpenMetrics.
pub fn write<'a>(
    out: &mut impl Write,
    families: impl IntoIterator<Item = &'a Family>,
    format: Format,
) -> io::Result<()> {
    let mut head = String::new();
    for f in families {
        head.clear();
        // 0.0.4 names a counter's metadata by its sample name, OpenMetrics by the family.
        let suffix = match (format, f.ty) {
            (Format::Prometheus, MetricType::Counter) => "_total",
            _ => "",
        };
        head.push_str("# HELP ");
        head.push_str(&f.name);
        head.push_str(suffix);
        head.push(' ');
        escape(&mut head, &f.help, format == Format::Openmetrics);
        head.push_str("\n# TYPE ");
        head.push_str(&f.name);
        head.push_str(suffix);
        head.push_str(match f.ty {
            MetricType::Counter => " counter\n",
            MetricType::Gauge => " gauge\n",
        });
        if let (Format::Openmetrics, Some(unit)) = (format, f.unit) {
            head.push_str("# UNIT ");
            head.push_str(&f.name);
            head.push(' ');
            head.push_str(unit);
            head.push('\n');
        }
        out.write_all(head.as_bytes())?;
        out.write_all(f.samples.as_bytes())?;
    }
    if format == Format::Openmetrics {
        out.write_all(b"# EOF\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(ty: MetricType, unit: Option<&'static str>) -> Family {
        let mut samples = String::new();
        sample(
            &mut samples,
            "shma_w_wait_seconds",
            ty,
            [("segment", "a\"b\\c\nd")],
            "3",
        );
        Family {
            name: "shma_w_wait_seconds".into(),
            ty,
            unit,
            help: "say \"hi\" \\ \n".into(),
            samples,
            count: 1,
        }
    }

    #[test]
    fn prometheus() {
        let mut out = Vec::new();
        write(
            &mut out,
            &[family(MetricType::Counter, Some("seconds"))],
            Format::Prometheus,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# HELP shma_w_wait_seconds_total say \"hi\" \\\\ \\n\n\
             # TYPE shma_w_wait_seconds_total counter\n\
             shma_w_wait_seconds_total{segment=\"a\\\"b\\\\c\\nd\"} 3\n"
        );
    }

    #[test]
    fn openmetrics() {
        let mut out = Vec::new();
        let fams = [
            family(MetricType::Counter, Some("seconds")),
            family(MetricType::Gauge, None),
        ];
        write(&mut out, &fams, Format::Openmetrics).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# HELP shma_w_wait_seconds say \\\"hi\\\" \\\\ \\n\n\
             # TYPE shma_w_wait_seconds counter\n\
             # UNIT shma_w_wait_seconds seconds\n\
             shma_w_wait_seconds_total{segment=\"a\\\"b\\\\c\\nd\"} 3\n\
             # HELP shma_w_wait_seconds say \\\"hi\\\" \\\\ \\n\n\
             # TYPE shma_w_wait_seconds gauge\n\
             shma_w_wait_seconds{segment=\"a\\\"b\\\\c\\nd\"} 3\n\
             # EOF\n"
        );
    }

    #[test]
    fn values() -> Result<(), shm_atomics::Error> {
        use shm_atomics::DynAtomic;
        let text = |width: usize, ty: Kind, set: &dyn Fn(&DynAtomic)| {
            let a = DynAtomic::with_kind(width, ty).unwrap();
            set(&a);
            let mut s = String::new();
            value(&mut s, &a.load().unwrap()).map(|()| s)
        };
        assert_eq!(
            text(16, Kind::Uint, &|a| a.store(u128::MAX).unwrap()).as_deref(),
            Some("340282366920938463463374607431768211455")
        );
        assert_eq!(
            text(1, Kind::Int, &|a| a.store(-3).unwrap()).as_deref(),
            Some("-3")
        );
        assert_eq!(
            text(1, Kind::Bool, &|a| a.store(true).unwrap()).as_deref(),
            Some("1")
        );
        assert_eq!(
            text(4, Kind::Float, &|a| a.store(0.1f32).unwrap()).as_deref(),
            Some("0.1")
        );
        assert_eq!(
            text(8, Kind::Float, &|a| a.store(f64::NEG_INFINITY).unwrap()).as_deref(),
            Some("-Inf")
        );
        assert_eq!(
            text(8, Kind::Float, &|a| a.store(1e300).unwrap()).as_deref(),
            Some("1e300")
        );
        assert_eq!(
            text(4, Kind::Float, &|a| a.store(f32::NAN).unwrap()).as_deref(),
            Some("NaN")
        );
        assert_eq!(text(2, Kind::Bytes, &|_| {}), None);
        Ok(())
    }
}
