//! Whole-record writes of a segment's `Seq` record from Python, through the runtime's
//! seqlock protocol (`write_record`, `update_record`): readers see the old record or
//! the new one, never a mix.
//!
//! ```python
//! rec = seg["pose"]                               # a SeqRecord
//! rec.write({"x": 1, "y": 1, "z": [1, 1], "tag": 1})   # every field, whole
//! rec.update(lambda r: {"x": r["x"] + 1})          # the named fields, under the lock
//! ```
//!
//! Values are given as `read()` returns them: a dict per record or nested layout, a
//! list per array.

use std::sync::Mutex;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use shm_atomics_runtime::{
    Error, FieldTypeBuf, Kind, LayoutDescBuf, Operand, RecordCopy, RecordError, SeqError, SizeError,
};

use crate::segment::SegmentError;
use crate::v2::PySeq;

/// `value` as an operand for a `kind` value at `path`.
fn operand(value: &Bound<'_, PyAny>, kind: Kind, path: &str) -> PyResult<Operand> {
    let wrong = |what: &str| {
        PyTypeError::new_err(format!(
            "record field `{path}` needs {what}, not {}",
            value
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    };
    Ok(match kind {
        Kind::Int => Operand::from(value.extract::<i128>().map_err(|_| wrong("an int"))?),
        Kind::Uint => Operand::from(value.extract::<u128>().map_err(|_| wrong("an int >= 0"))?),
        Kind::Float => Operand::from(value.extract::<f64>().map_err(|_| wrong("a float"))?),
        Kind::Bool => Operand::from(value.extract::<bool>().map_err(|_| wrong("a bool"))?),
        Kind::Bytes => {
            let b: Vec<u8> = value.extract().map_err(|_| wrong("bytes"))?;
            Operand::from(b.as_slice())
        }
    })
}

/// Sets the fields of `desc` (at `prefix` inside the record) named in `values`; with
/// `all`, every field must be named. Unknown names are errors.
fn fill(
    copy: &mut RecordCopy<'_>,
    desc: &LayoutDescBuf,
    prefix: &str,
    values: &Bound<'_, PyAny>,
    all: bool,
) -> PyResult<()> {
    let values = values.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "`{}` takes a dict of field values (as read() returns)",
            if prefix.is_empty() {
                desc.name.as_str()
            } else {
                prefix
            }
        ))
    })?;
    let names: Vec<&str> = desc.fields.iter().map(|f| f.name.as_str()).collect();
    for key in values.keys() {
        let key: String = key.extract()?;
        if !names.contains(&key.as_str()) {
            return Err(PyValueError::new_err(format!(
                "`{}` has no field `{key}`; its fields: {}",
                desc.name,
                names.join(", ")
            )));
        }
    }
    for f in &desc.fields {
        let Some(v) = values.get_item(&f.name)? else {
            if all {
                return Err(PyValueError::new_err(format!(
                    "write() sets the whole record: field `{prefix}{}` is missing",
                    f.name
                )));
            }
            continue;
        };
        let path = format!("{prefix}{}", f.name);
        match f.array_len {
            None => one(copy, &f.ty, &path, &v, all)?,
            Some(n) => {
                let items = v.cast::<PyList>().map_err(|_| {
                    PyTypeError::new_err(format!("record field `{path}` takes a list of {n}"))
                })?;
                if items.len() != n {
                    return Err(PyValueError::new_err(format!(
                        "record field `{path}` takes a list of {n}, not {}",
                        items.len()
                    )));
                }
                for (i, item) in items.iter().enumerate() {
                    one(copy, &f.ty, &format!("{path}[{i}]"), &item, all)?;
                }
            }
        }
    }
    Ok(())
}

/// Sets one element of type `ty` at `path`.
fn one(
    copy: &mut RecordCopy<'_>,
    ty: &FieldTypeBuf,
    path: &str,
    v: &Bound<'_, PyAny>,
    all: bool,
) -> PyResult<()> {
    match ty {
        FieldTypeBuf::Value { kind, .. } => copy
            .set(path, operand(v, *kind, path)?)
            .map_err(|e| PyValueError::new_err(format!("record field `{path}`: {e}"))),
        FieldTypeBuf::Layout(d) => fill(copy, d, &format!("{path}."), v, all),
        other => Err(PyTypeError::new_err(format!(
            "record field `{path}` has type {other:?}, which a record write cannot set"
        ))),
    }
}

/// A `RecordError` as `SegmentError`, with what to do.
fn record_error(offset: usize, e: RecordError) -> PyErr {
    match e {
        RecordError::Seq(SeqError::Torn { pid }) => SegmentError::new_err(format!(
            "the record at offset {offset} was torn by process {pid}, which died while \
             writing it: write() the whole record to repair it"
        )),
        other => SegmentError::new_err(format!(
            "cannot write the record at offset {offset}: {other}"
        )),
    }
}

#[pymethods]
impl PySeq {
    /// Publishes a whole new record from `values` (a dict naming every field, nested
    /// layouts as dicts, arrays as lists): readers see the old record or this one. It
    /// also repairs a record torn by a writer that died. Returns the record's new
    /// sequence number.
    fn write(&self, py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<u64> {
        let mut copy = RecordCopy::zeroed(&self.record);
        fill(&mut copy, &self.record, "", values, true)?;
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        py.detach(|| shm_atomics_runtime::write_record(&seg.region(), offset, record, &copy, None))
            .map_err(|e| record_error(offset, e))
    }

    /// Changes the record under its lock: `fn(record)` gets the current record as a
    /// dict and returns a dict of the fields to change; they are published whole (no
    /// other writer runs in between). An exception from `fn` publishes nothing. Returns
    /// the new sequence number. `fn` must not use this record.
    fn update(&self, py: Python<'_>, func: &Bound<'_, PyAny>) -> PyResult<u64> {
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        let func = func.clone().unbind();
        let failure: Mutex<Option<PyErr>> = Mutex::new(None);
        // Detached while waiting for other writers (one may be a thread of this process
        // that needs the interpreter to finish); attached again to run `func`.
        let result = py.detach(|| {
            shm_atomics_runtime::update_record(&seg.region(), offset, record, None, |copy| {
                Python::attach(|py| {
                    let current = crate::v2::record_dict(py, copy, record, 0)?;
                    let changes = func.bind(py).call1((current,))?;
                    fill(copy, record, "", &changes, false)
                })
                .map_err(|e| {
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    // A stand-in: the Python exception is returned below instead.
                    Error::Size(SizeError { needed: 0, got: 0 })
                })
            })
        });
        if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        result.map_err(|e| record_error(offset, e))
    }
}
