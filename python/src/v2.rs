//! The segment format version 2 field types as Python objects: `Event` (a generation
//! word to wait on for any condition), `Striped` (a counter spread over cells) and `Seq`
//! (a seqlock record read whole). Each holds the segment's mapping (`Keep::Map`'s lease)
//! and the field's offset in the payload; after `close()` they raise `ValueError`.

use std::cell::Cell as StdCell;
use std::sync::Arc;

use pyo3::exceptions::PyPermissionError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use shm_atomics_runtime::{
    Atomic, Event, FieldType, FieldTypeBuf, Kind, LayoutDescBuf, RecordCopy, RecordError,
};

use crate::memory::MapLease;
use crate::segment::{SegmentError, segment_error};
use crate::values::{PyValue, dyn_to_py};
use crate::wait::{deadline, next_slice};

/// The `PermissionError` for changing a field of a read-only segment.
fn readonly_error(what: &str) -> PyErr {
    PyPermissionError::new_err(format!(
        "cannot {what}: the segment was opened read-only (open it with Segment.open)"
    ))
}

/// A segment's `Event` field: wait until any condition holds, notify after changing
/// the data (the protocol of the Rust `Event`).
#[pyclass(frozen, module = "shm_atomics._native", name = "Event")]
pub struct PyEvent {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    pub(crate) readonly: bool,
}

impl PyEvent {
    /// Runs `f` on the event in the open segment.
    fn with<T>(&self, f: impl FnOnce(&Event) -> PyResult<T>) -> PyResult<T> {
        self.lease.with(|s| {
            let r = s
                .region()
                .subregion(self.offset, 4)
                .map_err(segment_error)?;
            let ptr = r.as_ptr();
            if !(ptr as usize).is_multiple_of(4) {
                return Err(SegmentError::new_err("misaligned Event field"));
            }
            // SAFETY: 4 bytes at a 4-aligned address inside the mapping (subregion
            // checked), which stays mapped while the lease's lock is held; `Event` is
            // `repr(transparent)` over one atomic u32; on a read-only mapping only its
            // loads run (notifying is refused before).
            f(unsafe { &*ptr.cast::<Event>() })
        })
    }
}

#[pymethods]
impl PyEvent {
    /// The generation: how many notifications there have been (wrapping at 2**32).
    #[getter]
    fn generation(&self) -> PyResult<u32> {
        self.with(|e| Ok(e.generation()))
    }

    /// Blocks until `predicate()` returns true or `timeout` seconds (`None`: no limit)
    /// pass; returns whether it held. The predicate runs (holding the interpreter's lock)
    /// after the generation is read, the wait releases the lock and sleeps only while the
    /// generation is unchanged, so no notification that follows a false predicate is
    /// missed. An exception from the predicate propagates.
    #[pyo3(signature = (predicate, timeout=None))]
    fn wait_until(
        &self,
        py: Python<'_>,
        predicate: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<bool> {
        let deadline = deadline(timeout)?;
        let seg = self.lease.pin()?;
        let offset = self.offset;
        loop {
            let seen = self.generation()?;
            if predicate.call0()?.is_truthy()? {
                return Ok(true);
            }
            let Some(slice) = next_slice(deadline) else {
                return Ok(false);
            };
            let seg = seg.clone();
            let waited = py.detach(move || {
                let r = seg.region().subregion(offset, 4)?;
                // SAFETY: as in `with`: 4 aligned bytes of the mapping, which `seg` (a
                // pin of the lease) keeps mapped; waiting only reads.
                let e = unsafe { &*r.as_ptr().cast::<Event>() };
                Ok::<_, shm_atomics_runtime::Error>(e.wait_for_notify(seen, Some(slice)))
            });
            waited.map_err(segment_error)?;
            py.check_signals()?;
        }
    }

    /// Notifies every waiter (after you changed the data they wait for); how many were
    /// woken (Linux), else `None`.
    fn notify_all(&self) -> PyResult<Option<usize>> {
        if self.readonly {
            return Err(readonly_error("notify an Event"));
        }
        self.with(|e| Ok(e.notify_all()))
    }

    /// Notifies one waiter (only when any one waiter can act on the change: a work
    /// queue); how many were woken (Linux), else `None`.
    fn notify_one(&self) -> PyResult<Option<usize>> {
        if self.readonly {
            return Err(readonly_error("notify an Event"));
        }
        self.with(|e| Ok(e.notify_one()))
    }

    fn __repr__(&self) -> String {
        match self.generation() {
            Ok(g) => format!("Event(generation={g})"),
            Err(_) => "Event(closed)".to_string(),
        }
    }
}

/// A segment's `Striped` counter: adds go to one cell per thread, `load()` sums them.
#[pyclass(frozen, module = "shm_atomics._native", name = "Striped")]
pub struct PyStriped {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    pub(crate) readonly: bool,
    pub(crate) kind: Kind,
    pub(crate) width: usize,
    pub(crate) cells: usize,
    pub(crate) stride: usize,
}

thread_local! {
    /// This thread's cell index seed (a hash of the process and thread ids).
    static SLOT: StdCell<Option<usize>> = const { StdCell::new(None) };
}

/// The cell this thread adds to, out of `n`.
fn my_cell(n: usize) -> usize {
    let slot = SLOT.with(|s| {
        *s.get().get_or_insert_with(|| {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new()
                .hash_one((std::process::id(), std::thread::current().id())) as usize
        })
    });
    slot % n.max(1)
}

impl PyStriped {
    /// The raw bits of every cell (zero-extended).
    fn raw_cells(&self) -> PyResult<Vec<u128>> {
        self.lease.with(|s| {
            let region = s.region();
            (0..self.cells)
                .map(|c| {
                    let r = region
                        .subregion(self.offset + c * self.stride, self.width)
                        .map_err(segment_error)?;
                    let v = shm_atomics_runtime::DynAtomicView::with_kind(r, Kind::Uint)
                        .and_then(|v| v.load())
                        .map_err(segment_error)?;
                    Ok(v.as_u128())
                })
                .collect()
        })
    }

    /// `bits` (a wrapping sum or a cell) as this counter's Python int.
    fn to_py<'py>(&self, py: Python<'py>, bits: u128) -> PyResult<Bound<'py, PyAny>> {
        let bitsn = 8 * self.width as u32;
        let masked = if bitsn >= 128 {
            bits
        } else {
            bits & ((1u128 << bitsn) - 1)
        };
        if self.kind == Kind::Int && bitsn < 128 && masked >> (bitsn - 1) & 1 == 1 {
            ((masked as i128) - (1i128 << bitsn)).to_py(py)
        } else {
            masked.to_py(py)
        }
    }
}

#[pymethods]
impl PyStriped {
    /// The sum of the cells (wrapping at the width; relaxed loads, so adds running at the
    /// same time may or may not be counted).
    fn load<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let sum = self
            .raw_cells()?
            .into_iter()
            .fold(0u128, |a, b| a.wrapping_add(b));
        self.to_py(py, sum)
    }

    /// Adds `value` (wrapping) to this thread's cell; `OverflowError` if it does not fit
    /// the counter's type.
    fn add(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.readonly {
            return Err(readonly_error("add to a Striped counter"));
        }
        let bits: u64 = match (self.kind, self.width) {
            (Kind::Int, 4) => i32::from_py(value, "value")? as u32 as u64,
            (Kind::Int, _) => i64::from_py(value, "value")? as u64,
            (_, 4) => u32::from_py(value, "value")? as u64,
            _ => u64::from_py(value, "value")?,
        };
        let cell = my_cell(self.cells);
        self.lease.with(|s| {
            let r = s
                .region()
                .subregion(self.offset + cell * self.stride, self.width)
                .map_err(segment_error)?;
            let done = if self.width == 4 {
                r.atomic_at::<u32>(0).map(|a: &Atomic<u32>| {
                    a.fetch_add(bits as u32);
                })
            } else {
                r.atomic_at::<u64>(0).map(|a: &Atomic<u64>| {
                    a.fetch_add(bits);
                })
            };
            done.map_err(segment_error)
        })
    }

    /// Adds one.
    fn inc(&self, py: Python<'_>) -> PyResult<()> {
        self.add(&1u8.to_py(py)?)
    }

    /// Every cell's value, in order.
    fn cells<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let vals = self
            .raw_cells()?
            .into_iter()
            .map(|b| self.to_py(py, b))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, vals)
    }

    /// The number of cells.
    fn __len__(&self) -> usize {
        self.cells
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.load(py) {
            Ok(v) => format!("Striped(load={v}, cells={})", self.cells),
            Err(_) => "Striped(closed)".to_string(),
        }
    }
}

/// A segment's `Seq` record: `read()` copies it whole, consistent (never a mix of two
/// writes).
#[pyclass(frozen, module = "shm_atomics._native", name = "SeqRecord")]
pub struct PySeq {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    pub(crate) record: LayoutDescBuf,
}

/// The record's values as a dict (nested layouts as dicts, arrays as lists).
fn record_dict<'py>(
    py: Python<'py>,
    copy: &RecordCopy,
    desc: &LayoutDescBuf,
    base: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for f in &desc.fields {
        let one = |off: usize| -> PyResult<Bound<'py, PyAny>> {
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    let v = copy.load(off, *kind, *width).map_err(segment_error)?;
                    dyn_to_py(py, &v, *kind)
                }
                FieldTypeBuf::Layout(d) => Ok(record_dict(py, copy, d, off)?.into_any()),
                FieldTypeBuf::Seq(d) => {
                    Ok(
                        record_dict(py, copy, d, off + FieldType::seq_record_offset(d.align))?
                            .into_any(),
                    )
                }
                FieldTypeBuf::Event => {
                    let v = copy.load(off, Kind::Uint, 4).map_err(segment_error)?;
                    dyn_to_py(py, &v, Kind::Uint)
                }
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    let mut sum = 0u128;
                    for c in 0..*cells {
                        let v = copy
                            .load(off + c * stride, Kind::Uint, *width)
                            .map_err(segment_error)?;
                        sum = sum.wrapping_add(v.as_u128());
                    }
                    let bits = 8 * *width as u32;
                    let m = sum & ((1u128 << bits) - 1);
                    if *kind == Kind::Int && m >> (bits - 1) & 1 == 1 {
                        ((m as i128) - (1i128 << bits)).to_py(py)
                    } else {
                        m.to_py(py)
                    }
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
            .detach(|| shm_atomics_runtime::read_record(&seg.region(), offset, record, None))
            .map_err(|e| match e {
                RecordError::Seq(s) => {
                    SegmentError::new_err(format!("cannot read the record at offset {offset}: {s}"))
                }
                other => SegmentError::new_err(other.to_string()),
            })?;
        if let Some(pid) = copy.torn_by() {
            return Err(SegmentError::new_err(format!(
                "the record at offset {offset} was torn by process {pid}, which died \
                 while writing it: its fields may mix two writes (a writer's next write \
                 repairs it)"
            )));
        }
        drop(seg);
        record_dict(py, &copy, record, 0)
    }

    /// The record's layout.
    #[getter]
    fn layout(&self) -> crate::layout::PyLayout {
        crate::layout::PyLayout {
            desc: self.record.clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!("SeqRecord(layout={:?})", self.record.name)
    }
}
