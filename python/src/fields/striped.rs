//! `Striped`: a segment's `Striped` counter as a Python object. Adds go to one cell per
//! thread (no contention between threads that add), `load()` sums the cells.

use std::cell::Cell as StdCell;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyList;
use shm_atomics_runtime::{Atomic, DynAtomicView, Kind};

use crate::errors::{refused, segment_error};
use crate::memory::MapLease;
use crate::values::{PyValue, striped_value};

/// A segment's `Striped` counter: adds go to one cell per thread, `load()` sums them.
#[pyclass(frozen, module = "shm_atomics._native", name = "Striped")]
pub struct PyStriped {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    /// Why it is read-only, if it is (a read-only segment, or inside a `Seq` record).
    pub(crate) readonly: Option<Box<str>>,
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
                    let v = DynAtomicView::with_kind(r, Kind::Uint)
                        .and_then(|v| v.load())
                        .map_err(segment_error)?;
                    Ok(v.as_u128())
                })
                .collect()
        })
    }

    /// `bits` (a wrapping sum or a cell) as this counter's Python int.
    fn to_py<'py>(&self, py: Python<'py>, bits: u128) -> PyResult<Bound<'py, PyAny>> {
        striped_value(py, self.kind, self.width, bits)
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
        if let Some(why) = &self.readonly {
            return Err(refused("add to a Striped counter", why));
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
