//! Segments where there are none (Windows and other non-unix targets; the runtime's `shm`
//! feature is unix-only): the names the Python layer imports, each raising
//! `SegmentError` (an `OSError`) that says segments need a unix system. The buffer
//! atomics (`atomic`, `atomicview`, atomos over a buffer) work as everywhere.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use shm_atomics_runtime::{Error, Kind, Region};

use crate::cells::Core;
use crate::errors::SegmentError;

/// The error every segment entry point raises here.
fn unsupported() -> PyErr {
    SegmentError::new_err(
        "segments (shared-memory files) need a unix system (Linux, macOS, a BSD); on this \
         platform use atomic() or atomicview() over a buffer such as \
         multiprocessing.shared_memory.SharedMemory(...).buf",
    )
}

/// Stands in for the runtime's `RawSegment` in `memory.rs`: no value of it exists.
pub enum RawSegment {}

/// A segment file, unavailable on this platform: every constructor raises.
#[pyclass(frozen, module = "shm_atomics._native", name = "_Segment")]
pub struct PySegment;

impl PySegment {
    /// As `segment.rs`'s, for atomos' `on`; unreachable, since no `PySegment` is made.
    pub fn core_at<C>(
        &self,
        _py: Python<'_>,
        _path: &str,
        _kinds: &[Kind],
        _width: usize,
        _what: &str,
        _typed: impl FnOnce(Region<'static>, Kind) -> Result<C, Error>,
    ) -> PyResult<Core<C>> {
        Err(unsupported())
    }
}

#[pymethods]
impl PySegment {
    /// Raises `SegmentError`: segments need a unix system.
    #[staticmethod]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn open(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        Err(unsupported())
    }

    /// Raises `SegmentError`: segments need a unix system.
    #[staticmethod]
    fn default_dir() -> PyResult<()> {
        Err(unsupported())
    }

    /// Raises `SegmentError`: segments need a unix system.
    #[staticmethod]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn create(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        Err(unsupported())
    }
}

/// Raises `SegmentError`: segments need a unix system.
#[pyfunction]
#[pyo3(signature = (*_args, **_kwargs))]
pub fn list_segments(
    _args: &Bound<'_, PyTuple>,
    _kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    Err(unsupported())
}

/// Registers the stand-ins under the names the Python layer imports (`Event`, `Striped`
/// and `SeqRecord` are the segment field classes: the `_Segment` class stands for them,
/// since no segment can make one).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PySegment>()?;
    for name in ["Event", "Striped", "SeqRecord"] {
        m.add(name, py.get_type::<PySegment>())?;
    }
    m.add("SegmentError", py.get_type::<SegmentError>())?;
    m.add_function(wrap_pyfunction!(list_segments, m)?)?;
    Ok(())
}
