//! `SeqRecord`: a segment's `Seq` record as a Python object, read and written whole
//! through the runtime's seqlock protocol (`read_record`, `write_record`,
//! `update_record`): never a mix of two writes, never a value stored alone. Also the
//! form a record takes in a segment snapshot ([`snapshot_record`]).

use std::sync::Arc;

use pyo3::exceptions::{PyKeyError, PyPermissionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use shm_atomics_runtime::{
    DynValue, Error, FieldType, FieldTypeBuf, Kind, LayoutCopy, LayoutDescBuf, Operand, RecordCopy,
    read_record, update_record, write_record,
};

use crate::errors::{object_error, readonly_error, record_error, segment_error, torn_error};
use crate::layout::PyLayout;
use crate::memory::MapLease;
use crate::registry::registered;
use crate::snapshot::record_values;

/// A segment's `Seq` record: `read()` copies it whole, consistent (never a mix of two
/// writes); `write(values)` and `update(values)` publish a whole record.
#[pyclass(frozen, module = "shm_atomics._native", name = "SeqRecord")]
pub struct PySeq {
    pub(crate) lease: Arc<MapLease>,
    /// The offset of its sequence word in the payload.
    pub(crate) offset: usize,
    /// The record's layout.
    pub(crate) record: LayoutDescBuf,
    /// Its path (for messages).
    pub(crate) path: String,
    /// The path of the record it is inside, if any (then it is written with that one).
    pub(crate) inside: Option<String>,
    /// Whether the segment was opened read-write.
    pub(crate) writable: bool,
}

/// The loader of a copy (offsets within the copy).
fn from_copy<'a>(
    load: impl Fn(usize, Kind, usize) -> Result<DynValue, Error> + 'a,
) -> impl Fn(usize, Kind, usize) -> PyResult<DynValue> + 'a {
    move |off, kind, width| load(off, kind, width).map_err(segment_error)
}

/// A record of a segment snapshot: `SeqSnapshot(values, seq, whole)` (the class the
/// package registered) of the record at path `path` and offset `offset` of `copy` (the
/// runtime's `snapshot_layout`, which read it through the protocol, or value by value
/// with the odd word when its writer died mid-write), as Rust's typed snapshot gives it.
pub fn snapshot_record<'py>(
    py: Python<'py>,
    copy: &LayoutCopy<'_>,
    path: &str,
    offset: usize,
    record: &LayoutDescBuf,
) -> PyResult<Bound<'py, PyAny>> {
    let load = from_copy(|o, k, w| copy.load(o, k, w));
    let start = offset + FieldType::seq_record_offset(record.align);
    let values = record_values(py, &load, record, start)?;
    let seq = copy.sequence(path).map_err(segment_error)?;
    let whole = copy.is_whole(path).map_err(segment_error)?;
    registered(py)?
        .seq_snapshot
        .bind(py)
        .call1((values, seq, whole))
}

/// One value to store in a record copy: its path in the record and the operand.
type Store = (String, Operand);

/// The operand for a value of `kind` and `width` from `obj` (`what` names it).
fn operand(obj: &Bound<'_, PyAny>, kind: Kind, width: usize, what: &str) -> PyResult<Operand> {
    let wrong = |need: &str| PyTypeError::new_err(format!("`{what}` must be {need}"));
    Ok(match kind {
        Kind::Int => Operand::from(obj.extract::<i128>().map_err(|_| wrong("an int"))?),
        Kind::Uint => Operand::from(obj.extract::<u128>().map_err(|_| wrong("an int >= 0"))?),
        Kind::Float => Operand::from(obj.extract::<f64>().map_err(|_| wrong("a number"))?),
        Kind::Bool => Operand::from(obj.extract::<bool>().map_err(|_| wrong("a bool"))?),
        _ => {
            let b: Vec<u8> = obj.extract().map_err(|_| wrong("bytes"))?;
            if b.len() != width {
                return Err(wrong(&format!("{width} bytes")));
            }
            Operand::from(b.as_slice())
        }
    })
}

/// The stores that put `values` (a dict, as `read()` gives) into a record of layout
/// `desc` at path `prefix`: every value when `whole` (a missing one is a `KeyError`),
/// else those given. A name the layout does not have is a `KeyError`.
fn stores(
    values: &Bound<'_, PyAny>,
    desc: &LayoutDescBuf,
    prefix: &str,
    whole: bool,
    out: &mut Vec<Store>,
) -> PyResult<()> {
    let dict = values.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "the values of `{}` are a dict of field names (as read() gives)",
            if prefix.is_empty() {
                &desc.name
            } else {
                prefix
            }
        ))
    })?;
    for key in dict.keys() {
        let name: String = key.extract()?;
        if !desc.fields.iter().any(|f| f.name == name) {
            let names: Vec<&str> = desc.fields.iter().map(|f| f.name.as_str()).collect();
            return Err(PyKeyError::new_err(format!(
                "{} has no field `{name}`; its fields are {}",
                desc.name,
                names.join(", ")
            )));
        }
    }
    let dot = if prefix.is_empty() { "" } else { "." };
    for f in &desc.fields {
        let Some(v) = dict.get_item(&f.name)? else {
            if whole {
                return Err(PyKeyError::new_err(format!(
                    "`{prefix}{dot}{}` is missing: write() takes every value of the record \
                     (update() takes some)",
                    f.name
                )));
            }
            continue;
        };
        let elems: Vec<(String, Bound<'_, PyAny>)> = match f.array_len {
            None => vec![(format!("{prefix}{dot}{}", f.name), v)],
            Some(n) => {
                let list = v
                    .cast::<PyList>()
                    .ok()
                    .filter(|l| l.len() == n)
                    .ok_or_else(|| {
                        PyTypeError::new_err(format!(
                            "`{prefix}{dot}{}` is an array of {n}: give a list of {n}",
                            f.name
                        ))
                    })?;
                list.iter()
                    .enumerate()
                    .map(|(i, e)| (format!("{prefix}{dot}{}[{i}]", f.name), e))
                    .collect()
            }
        };
        for (path, v) in elems {
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    out.push((path.clone(), operand(&v, *kind, *width, &path)?))
                }
                FieldTypeBuf::Event => out.push((path.clone(), operand(&v, Kind::Uint, 4, &path)?)),
                FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) => stores(&v, d, &path, whole, out)?,
                FieldTypeBuf::Striped {
                    kind, width, cells, ..
                } => {
                    // The sum goes to cell 0, the other cells to 0.
                    out.push((format!("{path}[0]"), operand(&v, *kind, *width, &path)?));
                    for c in 1..*cells {
                        out.push((format!("{path}[{c}]"), Operand::from(0u8)));
                    }
                }
                other => {
                    return Err(PyTypeError::new_err(format!(
                        "`{path}` has a type this version cannot write: {other:?}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Applies `stores` to `copy`.
fn apply(copy: &mut RecordCopy<'_>, stores: &[Store]) -> Result<(), Error> {
    for (path, v) in stores {
        copy.set(path, *v)?;
    }
    Ok(())
}

impl PySeq {
    /// `PermissionError` unless whole-record writes are allowed here.
    fn check_writable(&self) -> PyResult<()> {
        if !self.writable {
            return Err(readonly_error("write a Seq record"));
        }
        if let Some(outer) = &self.inside {
            return Err(PyPermissionError::new_err(format!(
                "`{}` is inside the Seq record `{outer}`: write that whole record \
                 (seg[\"{outer}\"].write(...) or .update(...))",
                self.path
            )));
        }
        Ok(())
    }

    /// The value stores of `values` (`whole`: all of them).
    fn stores(&self, values: &Bound<'_, PyAny>, whole: bool) -> PyResult<Vec<Store>> {
        let mut out = Vec::new();
        stores(values, &self.record, "", whole, &mut out)?;
        Ok(out)
    }
}

#[pymethods]
impl PySeq {
    /// One consistent copy of the record as a dict (nested layouts as dicts, arrays as
    /// lists): waits (without the interpreter's lock) while a live writer is writing;
    /// `SegmentError` if the record was left half-written by a writer that died (its
    /// message names the process; a whole write repairs it).
    fn read<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        let copy = py
            .detach(|| read_record(&seg.region(), offset, record, None))
            .map_err(|e| record_error(e, &self.path))?;
        if let Some(pid) = copy.torn_by() {
            return Err(torn_error(&self.path, pid));
        }
        let load = from_copy(|o, k, w| copy.load(o, k, w));
        record_values(py, &load, record, 0)
    }

    /// Publishes a whole record: `values` is a dict of every value (as `read()` gives;
    /// `KeyError` for a missing or unknown name), written under the record's sequence
    /// word so no reader sees a mix. Repairs a torn record. Waits (without the
    /// interpreter's lock) for a live writer.
    fn write(&self, py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<()> {
        self.check_writable()?;
        let stores = self.stores(values, true)?;
        let mut copy = RecordCopy::zeroed(&self.record);
        apply(&mut copy, &stores).map_err(|e| object_error(py, e, 0, false))?;
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        py.detach(|| write_record(&seg.region(), offset, record, &copy, None))
            .map(|_| ())
            .map_err(|e| record_error(e, &self.path))
    }

    /// Changes some values of the record and publishes it whole: `values` is a dict of
    /// the values to change (others keep theirs), applied while holding the record, so
    /// no other writer runs in between. `SegmentError` for a torn record (write a whole
    /// one first). Waits (without the interpreter's lock) for a live writer.
    fn update(&self, py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<()> {
        self.check_writable()?;
        let stores = self.stores(values, false)?;
        // Check the operands fit before taking the record.
        apply(&mut RecordCopy::zeroed(&self.record), &stores)
            .map_err(|e| object_error(py, e, 0, false))?;
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        py.detach(|| update_record(&seg.region(), offset, record, None, |c| apply(c, &stores)))
            .map(|_| ())
            .map_err(|e| record_error(e, &self.path))
    }

    /// The record's layout.
    #[getter]
    fn layout(&self) -> PyLayout {
        PyLayout {
            desc: self.record.clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!("SeqRecord({:?}, layout={:?})", self.path, self.record.name)
    }
}
