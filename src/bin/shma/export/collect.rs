//! Segments to metric families: every numeric value of a segment becomes one sample,
//! named by the naming rule ([`super::naming`]), labelled with the segment, the field
//! path and its array indexes.
//!
//! - A striped counter is one sample, the sum of its cells.
//! - The values of a `Seq` record come from one consistent read of the whole record.
//! - A bool is 0 or 1; bytes fields and `Event` words are left out.
//! - A segment is read whole before any of it is kept: when its file shrank during the
//!   read (the truncation guard then showed zeros), it is left out entirely.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use shm_atomics::{FieldType, FieldTypeBuf, Kind, LayoutDescBuf, RawSegment};

use super::encode::{self, Family};
use super::naming::{self, MetricType};
use crate::records::{self, Item};

/// At most this many samples in one export: a segment file of a gigabyte may hold a
/// billion values, and a scrape must stay bounded. A segment that would exceed it is
/// left out (with one logged line).
pub const MAX_SAMPLES: usize = 1 << 21;

/// The families gathered so far, in the order they first appeared.
#[derive(Debug, Default)]
pub struct Metrics {
    prefix: String,
    families: Vec<Family>,
    by_name: HashMap<String, usize>,
    segments: HashMap<String, String>,
    samples: usize,
}

/// The label names of array indexes, outermost first: `index`, `index_2`, `index_3`...
fn index_label(i: usize) -> String {
    if i == 0 {
        "index".to_string()
    } else {
        format!("index_{}", i + 1)
    }
}

/// What the value at `offset` is besides its kind: an `Event` word (left out) and
/// whether it lies inside a `Seq` record.
fn classify(d: &LayoutDescBuf, offset: usize) -> (bool, bool) {
    let (mut d, mut off, mut in_record) = (d, offset, false);
    loop {
        let Some(f) = d.fields.iter().find(|f| {
            let len = f.width().saturating_mul(f.array_len.unwrap_or(1));
            off >= f.offset && off - f.offset < len
        }) else {
            return (false, in_record);
        };
        let rel = (off - f.offset) % f.width().max(1);
        match &f.ty {
            FieldTypeBuf::Layout(n) => (d, off) = (n, rel),
            FieldTypeBuf::Seq(n) => {
                let base = FieldType::seq_record_offset(n.align);
                if rel < base {
                    return (false, true);
                }
                (d, off, in_record) = (n, rel - base, true);
            }
            FieldTypeBuf::Event => return (true, in_record),
            _ => return (false, in_record),
        }
    }
}

impl Metrics {
    /// No families yet; family names start with `prefix` (and `_`) unless it is empty.
    pub fn new(prefix: &str) -> Metrics {
        Metrics {
            prefix: prefix.to_string(),
            ..Metrics::default()
        }
    }

    /// The families, in the order they first appeared.
    pub fn families(&self) -> &[Family] {
        &self.families
    }

    /// Adds every value of `seg` under the label `segment="label"`. `Err` (the one line
    /// to log) when the segment is left out: another one has this label, it has more
    /// values than the budget left, or its file shrank while it was read. `Ok` holds
    /// lines to log about values left out (a family whose type or unit conflicts with
    /// one of the same name).
    pub fn add(&mut self, label: &str, seg: &RawSegment) -> Result<Vec<String>, String> {
        let where_ = seg.path().display();
        if let Some(other) = self.segments.get(label) {
            return Err(format!(
                "segment {where_}: left out, another segment ({other}) is also named \
                 {label:?} (export segments with different file names)"
            ));
        }
        let budget = MAX_SAMPLES - self.samples;
        let mut local = Metrics::new(&self.prefix);
        let mut notes = Vec::new();
        let mut errors = 0usize;
        let info = seg.info();
        let d = &info.descriptor;
        let layout = info.layout_name();
        let mut loader = records::Loader::new(seg);
        let mut val = String::new();
        let mut labels: Vec<String> = Vec::new();
        for item in records::items(seg, d.leaves(), false) {
            let kind = item.kind();
            let striped = matches!(item, Item::Striped { .. });
            if kind == Kind::Bytes {
                continue;
            }
            let (event, in_record) = if striped || (kind == Kind::Uint && item.width() == 4) {
                classify(d, item.offset())
            } else {
                (false, false)
            };
            if event {
                continue;
            }
            if local.samples >= budget {
                return Err(format!(
                    "segment {where_}: left out, it has more values than the {MAX_SAMPLES} \
                     one export holds (export it alone, or fewer segments at once)"
                ));
            }
            let (v, _note) = loader.load(&item);
            let Ok(v) = v else {
                errors += 1;
                continue;
            };
            val.clear();
            if encode::value(&mut val, &v).is_none() {
                continue;
            }
            let path = item.path();
            let name = naming::name(&self.prefix, layout, path, kind, striped);
            let idx = match local.by_name.entry(name.family) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    let mut help = format!(
                        "Field {} of layout {layout} ({}",
                        naming::pattern(path),
                        shm_atomics::value_type_name(kind, item.width())
                    );
                    if let Item::Striped { cells, .. } = item {
                        help.push_str(&format!(", the sum of {cells} striped cells"));
                    }
                    if in_record {
                        help.push_str(", from one consistent read of its Seq record");
                    }
                    if item.width() == 16 && kind != Kind::Float {
                        help.push_str(
                            "; 128-bit: written exactly, held by Prometheus as a 64-bit \
                             float (exact up to 2^53)",
                        );
                    }
                    help.push(')');
                    local.families.push(Family {
                        name: e.key().clone(),
                        ty: name.ty,
                        unit: name.unit,
                        help,
                        samples: String::new(),
                    });
                    *e.insert(local.families.len() - 1)
                }
            };
            let fam = &mut local.families[idx];
            if fam.ty != name.ty || fam.unit != name.unit {
                notes.push(format!(
                    "segment {where_}: field {path} left out: its metric {} is also a {} \
                     of another field",
                    fam.name,
                    type_name(fam.ty)
                ));
                continue;
            }
            labels.clear();
            labels.extend(naming::indexes(path).map(str::to_string));
            let names: Vec<String> = (0..labels.len()).map(index_label).collect();
            let mut pairs: Vec<(&str, &str)> = vec![("segment", label), ("path", path)];
            pairs.extend(
                names
                    .iter()
                    .map(String::as_str)
                    .zip(labels.iter().map(String::as_str)),
            );
            encode::sample(&mut fam.samples, &fam.name, fam.ty, &pairs, &val);
            local.samples += 1;
        }
        seg.check()
            .map_err(|e| format!("segment {where_}: left out: {e}"))?;
        if errors > 0 {
            notes.push(format!(
                "segment {where_}: {errors} values could not be read and were left out"
            ));
        }
        self.segments.insert(label.to_string(), where_.to_string());
        self.merge(local, &where_.to_string(), &mut notes);
        Ok(notes)
    }

    /// Moves the families of one segment in: a family of a known name joins it when its
    /// type and unit agree, and is left out (with a note) otherwise.
    fn merge(&mut self, local: Metrics, where_: &str, notes: &mut Vec<String>) {
        for f in local.families {
            let n = f.samples.lines().count();
            match self.by_name.get(&f.name) {
                None => {
                    self.by_name.insert(f.name.clone(), self.families.len());
                    self.samples += n;
                    self.families.push(f);
                }
                Some(&i) if self.families[i].ty == f.ty && self.families[i].unit == f.unit => {
                    self.families[i].samples.push_str(&f.samples);
                    self.samples += n;
                }
                Some(&i) => notes.push(format!(
                    "segment {where_}: metric {} left out: another segment exports it as a {}",
                    f.name,
                    type_name(self.families[i].ty)
                )),
            }
        }
    }
}

/// `counter` or `gauge`, for messages.
fn type_name(ty: MetricType) -> &'static str {
    match ty {
        MetricType::Counter => "counter",
        MetricType::Gauge => "gauge",
    }
}
