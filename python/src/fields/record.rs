//! `SeqRecord`: a segment's `Seq` record as a Python object, read whole and consistent
//! through the runtime's seqlock protocol (`read_record`), never a mix of two writes.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use shm_atomics_runtime::{
    DynAtomicView, DynValue, FieldType, Kind, LayoutDescBuf, RecordCopy, RecordError, Region,
    read_record,
};

use crate::errors::{record_error, segment_error, torn_error};
use crate::layout::PyLayout;
use crate::memory::MapLease;
use crate::registry::registered;
use crate::snapshot::record_values;

/// A segment's `Seq` record: `read()` copies it whole, consistent (never a mix of two
/// writes).
#[pyclass(frozen, module = "shm_atomics._native", name = "SeqRecord")]
pub struct PySeq {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    pub(crate) record: LayoutDescBuf,
}

/// The loader of a consistent copy.
fn from_copy(copy: &RecordCopy) -> impl Fn(usize, Kind, usize) -> PyResult<DynValue> + '_ {
    |off, kind, width| copy.load(off, kind, width).map_err(segment_error)
}

/// The loader of values one by one from `region` (offsets from its start).
pub fn from_region<'a>(
    region: &'a Region<'a>,
) -> impl Fn(usize, Kind, usize) -> PyResult<DynValue> + 'a {
    move |off, kind, width| {
        region
            .subregion(off, width)
            .and_then(|r| DynAtomicView::with_kind(r, kind))
            .and_then(|v| v.load())
            .map_err(segment_error)
    }
}

/// The `Seq` record at `offset` of `region` (laid out as `record`) as a segment snapshot
/// takes it, like Rust's typed `snapshot()`: a `SeqSnapshot` (the class the package
/// registered) of one consistent copy, whole unless it is a torn record's leftovers;
/// when the writer died mid-write, the values read one by one with the odd word, not
/// whole. Waits for a live writer without the interpreter's lock.
pub fn seq_snapshot<'py>(
    py: Python<'py>,
    region: &Region<'_>,
    offset: usize,
    record: &LayoutDescBuf,
) -> PyResult<Bound<'py, PyAny>> {
    let (values, word, whole) = match py.detach(|| read_record(region, offset, record, None)) {
        Ok(copy) => (
            record_values(py, &from_copy(&copy), record, 0)?,
            copy.sequence(),
            copy.torn_by().is_none(),
        ),
        Err(RecordError::Seq(_)) => {
            let load = from_region(region);
            let word = load(offset, Kind::Uint, 8)?.as_u128() as u64;
            let start = offset + FieldType::seq_record_offset(record.align);
            (record_values(py, &load, record, start)?, word, false)
        }
        Err(e) => return Err(record_error(e, offset)),
    };
    registered(py)?
        .seq_snapshot
        .bind(py)
        .call1((values, word, whole))
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
        record_values(py, &from_copy(&copy), record, 0)
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
