//! `SeqRecord`: a segment's `Seq` record as a Python object, read whole and consistent
//! through the runtime's seqlock protocol (`read_record`), never a mix of two writes.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use shm_atomics_runtime::{
    DynAtomicView, DynValue, FieldType, FieldTypeBuf, Kind, LayoutDescBuf, RecordCopy, RecordError,
    read_record,
};

use crate::errors::{SegmentError, record_error, segment_error, torn_error};
use crate::fields::striped::striped_value;
use crate::layout::PyLayout;
use crate::memory::MapLease;
use crate::values::dyn_to_py;

/// A segment's `Seq` record: `read()` copies it whole, consistent (never a mix of two
/// writes).
#[pyclass(frozen, module = "shm_atomics._native", name = "SeqRecord")]
pub struct PySeq {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    pub(crate) record: LayoutDescBuf,
}

/// How to load one value of a record: `(offset in the record, kind, width)`.
type Load<'a> = dyn Fn(usize, Kind, usize) -> PyResult<DynValue> + 'a;

/// The record's values as a dict (nested layouts as dicts, arrays as lists), each loaded
/// by `load` (from a consistent copy, or one by one from the mapping).
fn record_dict<'py>(
    py: Python<'py>,
    load: &Load<'_>,
    desc: &LayoutDescBuf,
    base: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for f in &desc.fields {
        let one = |off: usize| -> PyResult<Bound<'py, PyAny>> {
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    dyn_to_py(py, &load(off, *kind, *width)?, *kind)
                }
                FieldTypeBuf::Layout(d) => Ok(record_dict(py, load, d, off)?.into_any()),
                FieldTypeBuf::Seq(d) => {
                    let at = off + FieldType::seq_record_offset(d.align);
                    Ok(record_dict(py, load, d, at)?.into_any())
                }
                FieldTypeBuf::Event => dyn_to_py(py, &load(off, Kind::Uint, 4)?, Kind::Uint),
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    let mut sum = 0u128;
                    for c in 0..*cells {
                        sum =
                            sum.wrapping_add(load(off + c * stride, Kind::Uint, *width)?.as_u128());
                    }
                    striped_value(py, *kind, *width, sum)
                }
                other => Err(SegmentError::new_err(format!(
                    "field `{}` has a type this version cannot read: {other:?}",
                    f.name
                ))),
            }
        };
        let at = base + f.offset;
        let v = match f.array_len {
            None => one(at)?,
            Some(n) => {
                let items = (0..n)
                    .map(|i| one(at + i * f.width()))
                    .collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, items)?.into_any()
            }
        };
        out.set_item(&f.name, v)?;
    }
    Ok(out)
}

/// The loader of a consistent copy.
fn from_copy(copy: &RecordCopy) -> impl Fn(usize, Kind, usize) -> PyResult<DynValue> + '_ {
    |off, kind, width| copy.load(off, kind, width).map_err(segment_error)
}

#[pymethods]
impl PySeq {
    /// One consistent copy of the record as a dict (nested layouts as dicts, arrays as
    /// lists): waits (without the interpreter's lock) while a live writer is writing;
    /// `SegmentError` if the record was left half-written by a writer that died (its
    /// message names the process; a Rust writer repairs it with its next write).
    fn read<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        let copy = py
            .detach(|| read_record(&seg.region(), offset, record, None))
            .map_err(|e| record_error(e, offset))?;
        if let Some(pid) = copy.torn_by() {
            return Err(torn_error(offset, pid));
        }
        drop(seg);
        record_dict(py, &from_copy(&copy), record, 0)
    }

    /// `(values, sequence word, whole)` as a segment snapshot takes them, like Rust's
    /// typed `snapshot()`: one consistent copy when there is one (`whole` unless it is a
    /// torn record's leftovers); when the writer died mid-write, the values read one by
    /// one with the odd word, not whole. `shm_atomics.Segment.snapshot` wraps them in a
    /// `SeqSnapshot`.
    fn _snapshot<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyDict>, u64, bool)> {
        let seg = self.lease.pin()?;
        let (offset, record) = (self.offset, &self.record);
        match py.detach(|| read_record(&seg.region(), offset, record, None)) {
            Ok(copy) => Ok((
                record_dict(py, &from_copy(&copy), record, 0)?,
                copy.sequence(),
                copy.torn_by().is_none(),
            )),
            Err(RecordError::Seq(_)) => {
                // The writer died mid-write: the leftovers, one by one (as the typed
                // snapshot does), with the word as it is now.
                let region = seg.region();
                let word = region
                    .subregion(offset, 8)
                    .and_then(|r| DynAtomicView::with_kind(r, Kind::Uint))
                    .and_then(|v| v.load())
                    .map_err(segment_error)?
                    .as_u128() as u64;
                let start = offset + FieldType::seq_record_offset(record.align);
                let live = |off: usize, kind: Kind, width: usize| {
                    region
                        .subregion(start + off, width)
                        .and_then(|r| DynAtomicView::with_kind(r, kind))
                        .and_then(|v| v.load())
                        .map_err(segment_error)
                };
                Ok((record_dict(py, &live, record, 0)?, word, false))
            }
            Err(e) => Err(record_error(e, offset)),
        }
    }

    /// The record's layout.
    #[getter]
    fn layout(&self) -> PyLayout {
        PyLayout {
            desc: self.record.clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!("SeqRecord(layout={:?})", self.record.name)
    }
}
