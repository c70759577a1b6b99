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

/// The label names of array indexes, outermost first. A path has at most one index per
/// nesting level (a decoded descriptor nests at most 16 deep) and the cell of a striped
/// counter is never one (its sum is exported); further indexes, if any, are only in
/// the `path` label.
const INDEX_LABELS: [&str; 18] = [
    "index", "index_2", "index_3", "index_4", "index_5", "index_6", "index_7", "index_8",
    "index_9", "index_10", "index_11", "index_12", "index_13", "index_14", "index_15", "index_16",
    "index_17", "index_18",
];

/// How many recent paths remember their family.
const RECENT: usize = 8;

/// The striped counter whose first cell is at `offset`, as one item (its sum).
fn striped(d: &LayoutDescBuf, offset: usize) -> Option<Item> {
    let e = d.enclosing_field(offset)?;
    match *e.ty {
        FieldTypeBuf::Striped {
            kind,
            width,
            cells,
            stride,
        } => Some(Item::Striped {
            path: e.path,
            offset: e.offset,
            kind,
            width,
            cells,
            stride,
        }),
        _ => None,
    }
}

/// What the value at an offset is, besides its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A value on its own.
    Plain,
    /// An `Event` word: left out.
    Event,
    /// A value inside a `Seq` record: read with the whole record.
    Record,
    /// The first cell of a striped counter, which stands for the whole counter.
    StripedFirst,
    /// Another cell of a striped counter: already in the sum.
    StripedOther,
}

/// The class of the value at `offset`: the descriptor is walked, not expanded, and
/// nothing is allocated.
fn classify(d: &LayoutDescBuf, offset: usize) -> Class {
    let (mut d, mut off, mut in_record) = (d, offset, false);
    loop {
        let Some(f) = d.fields.iter().find(|f| {
            let len = f.width().saturating_mul(f.array_len.unwrap_or(1));
            off >= f.offset && off - f.offset < len
        }) else {
            return Class::Plain;
        };
        let rel = (off - f.offset) % f.width().max(1);
        match &f.ty {
            FieldTypeBuf::Layout(n) => (d, off) = (n, rel),
            FieldTypeBuf::Seq(n) => {
                let base = FieldType::seq_record_offset(n.align);
                if rel < base {
                    return Class::Record;
                }
                (d, off, in_record) = (n, rel - base, true);
            }
            FieldTypeBuf::Event => return Class::Event,
            // Striped counters are never inside records (the macro and the decoder
            // refuse them there), but a record's values are read whole in any case.
            FieldTypeBuf::Striped { .. } if in_record => return Class::Record,
            FieldTypeBuf::Striped { .. } if rel == 0 => return Class::StripedFirst,
            FieldTypeBuf::Striped { .. } => return Class::StripedOther,
            _ if in_record => return Class::Record,
            _ => return Class::Plain,
        }
    }
}

/// Whether `a` and `b` are the same path but for their indexes (`x[1].y`, `x[7].y`),
/// compared without allocating.
fn same_but_indexes(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.bytes(), b.bytes());
    loop {
        let p = next_outside(&mut x);
        if p != next_outside(&mut y) {
            return false;
        }
        if p.is_none() {
            return true;
        }
    }
}

/// The next byte outside brackets (`[` itself included, so `a[1]b` and `ab` differ).
fn next_outside(it: &mut std::str::Bytes<'_>) -> Option<u8> {
    let c = it.next()?;
    if c == b'[' {
        for d in it.by_ref() {
            if d == b']' {
                break;
            }
        }
    }
    Some(c)
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
        // The families of the last few paths: consecutive values mostly share one.
        let mut recent: Vec<(String, usize)> = Vec::with_capacity(RECENT);
        for leaf in d.leaves() {
            if leaf.kind == Kind::Bytes {
                continue;
            }
            let class = classify(d, leaf.offset);
            let item = match class {
                Class::Event | Class::StripedOther => continue,
                Class::Plain | Class::Record => Item::Leaf(leaf),
                Class::StripedFirst => match striped(d, leaf.offset) {
                    Some(item) => item,
                    None => continue,
                },
            };
            if local.samples >= budget {
                return Err(format!(
                    "segment {where_}: left out, it has more values than the {MAX_SAMPLES} \
                     one export holds (export it alone, or fewer segments at once)"
                ));
            }
            let v = match (&item, class) {
                (Item::Leaf(leaf), Class::Plain) => seg
                    .leaf_view(leaf)
                    .and_then(|f| f.load())
                    .map_err(|e| e.to_string()),
                _ => loader.load(&item).0,
            };
            let Ok(v) = v else {
                errors += 1;
                continue;
            };
            val.clear();
            if encode::value(&mut val, &v).is_none() {
                continue;
            }
            let path = item.path();
            let idx = match recent.iter().find(|(p, _)| same_but_indexes(p, path)) {
                Some(&(_, idx)) => idx,
                None => {
                    let idx = local.family(layout, &item, class == Class::Record);
                    if recent.len() == RECENT {
                        recent.remove(0);
                    }
                    recent.push((path.to_string(), idx));
                    idx
                }
            };
            let Some(fam) = local.families.get_mut(idx) else {
                notes.push(format!(
                    "segment {where_}: field {path} left out: its metric name is also that of \
                     another field with another type or unit"
                ));
                continue;
            };
            let indexes = naming::indexes(path);
            let labels = [("segment", label), ("path", path)]
                .into_iter()
                .chain(INDEX_LABELS.iter().copied().zip(indexes));
            encode::sample(&mut fam.samples, &fam.name, fam.ty, labels, &val);
            fam.count += 1;
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

    /// The index of the family of `item` (created if new), or an index past the end
    /// when its name is taken by a family of another type or unit.
    fn family(&mut self, layout: &str, item: &Item, in_record: bool) -> usize {
        let (kind, path) = (item.kind(), item.path());
        let striped = matches!(item, Item::Striped { .. });
        let name = naming::name(&self.prefix, layout, path, kind, striped);
        match self.by_name.entry(name.family) {
            Entry::Occupied(e) => {
                let i = *e.get();
                let f = &self.families[i];
                if f.ty == name.ty && f.unit == name.unit {
                    i
                } else {
                    usize::MAX
                }
            }
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
                        "; 128-bit: written exactly, held by Prometheus as a 64-bit float \
                         (exact up to 2^53)",
                    );
                }
                help.push(')');
                self.families.push(Family {
                    name: e.key().clone(),
                    ty: name.ty,
                    unit: name.unit,
                    help,
                    samples: String::new(),
                    count: 0,
                });
                *e.insert(self.families.len() - 1)
            }
        }
    }

    /// Moves the families of one segment in: a family of a known name joins it when its
    /// type and unit agree, and is left out (with a note) otherwise.
    fn merge(&mut self, local: Metrics, where_: &str, notes: &mut Vec<String>) {
        for f in local.families {
            let n = f.count;
            match self.by_name.get(&f.name) {
                None => {
                    self.by_name.insert(f.name.clone(), self.families.len());
                    self.samples += n;
                    self.families.push(f);
                }
                Some(&i) if self.families[i].ty == f.ty && self.families[i].unit == f.unit => {
                    self.families[i].samples.push_str(&f.samples);
                    self.families[i].count += n;
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
