//! `CmpxchgResult`: what a compare-exchange returns (the seed's class, native).

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

/// The result of `cmpxchg_weak`/`cmpxchg_strong`: `success` (whether the value was
/// written) and `expected` (the value found; equal to the expected value on success).
/// True exactly when it succeeded; unpacks as `(success, expected)`.
///
/// >>> r = CmpxchgResult(success=False, expected=3)
/// >>> bool(r), r.expected
/// (False, 3)
#[pyclass(frozen, module = "shm_atomics", name = "CmpxchgResult")]
pub struct CmpxchgResult {
    /// Whether the exchange took place.
    #[pyo3(get)]
    success: bool,
    /// The value found in memory.
    #[pyo3(get)]
    expected: Py<PyAny>,
}

impl CmpxchgResult {
    /// A result.
    pub fn new(success: bool, expected: Py<PyAny>) -> Self {
        CmpxchgResult { success, expected }
    }
}

#[pymethods]
impl CmpxchgResult {
    #[new]
    #[pyo3(signature = (success, expected))]
    fn py_new(success: bool, expected: Py<PyAny>) -> Self {
        CmpxchgResult { success, expected }
    }

    fn __bool__(&self) -> bool {
        self.success
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyTuple::new(
            py,
            [
                self.success.into_pyobject(py)?.to_owned().into_any(),
                self.expected.bind(py).clone(),
            ],
        )?
        .into_any()
        .try_iter()
        .map(|i| i.into_any())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let success = if self.success { "True" } else { "False" };
        Ok(format!(
            "CmpxchgResult(success={success}, expected={})",
            self.expected.bind(py).str()?
        ))
    }

    /// `CmpxchgResult[int]` in annotations (the seed's class is generic).
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        _item: &Bound<'py, PyAny>,
    ) -> Bound<'py, PyType> {
        cls.clone()
    }
}
