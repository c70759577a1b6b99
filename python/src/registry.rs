//! The Python classes that the package `shm_atomics` defines and hands to this native
//! module when it is imported (`_native._register(...)`, called once by
//! `shm_atomics/__init__.py`): the `atomics`-compatible `OpType` and `MemoryOrder` enums
//! and exceptions, `FieldInfo`, `SeqSnapshot` and `PathError`. The native module never imports the package: the
//! package registers, the native code looks them up here.
//!
//! Used without its package (`_native` loaded on its own, so nothing registered), the
//! functions that need one of these classes raise `ImportError` saying to import
//! `shm_atomics`.

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyList;
use shm_atomics_runtime::MemoryOrder;

use crate::codes::{OpCode, order_value};

/// The registered classes, and the enum members made from them once.
pub struct Registered {
    /// `OpType(code)` at index `code` (index 0 is `None`).
    op_types: Vec<Py<PyAny>>,
    /// `MemoryOrder(v)` at index `v` (index 1, CONSUME, is `None`).
    orders: Vec<Py<PyAny>>,
    /// `AlignmentError(width, address, *, using_recommended)`.
    pub alignment_error: Py<PyAny>,
    /// `MemoryOrderError(optype, order, *, is_fail)`.
    pub memory_order_error: Py<PyAny>,
    /// `UnsupportedWidthException(width, *, readonly)`.
    pub unsupported_width: Py<PyAny>,
    /// `UnsupportedOperationException(optype, width, *, readonly)`.
    pub unsupported_operation: Py<PyAny>,
    /// The `FieldInfo` named tuple.
    pub field_info: Py<PyAny>,
    /// `SeqSnapshot(values, seq, whole)`: a record in a segment snapshot.
    pub seq_snapshot: Py<PyAny>,
    /// `PathError(message, path, at, kind)`: a field path the layout refuses.
    pub path_error: Py<PyAny>,
}

impl Registered {
    /// The `OpType` member of `op`.
    pub fn op_type(&self, py: Python<'_>, op: OpCode) -> Py<PyAny> {
        self.op_types[op as usize].clone_ref(py)
    }

    /// The `MemoryOrder` member of `order`.
    pub fn order(&self, py: Python<'_>, order: MemoryOrder) -> Py<PyAny> {
        self.orders[order_value(order) as usize].clone_ref(py)
    }
}

static REGISTERED: PyOnceLock<Registered> = PyOnceLock::new();

/// The registered classes, or `ImportError` when the package has not registered them.
pub fn registered(py: Python<'_>) -> PyResult<&'static Registered> {
    REGISTERED.get(py).ok_or_else(|| {
        PyImportError::new_err(
            "shm_atomics._native is used without its package: `import shm_atomics` first \
             (it registers the enums and exception classes the native module raises)",
        )
    })
}

/// Registers the package's classes (called by `shm_atomics/__init__.py`; later calls,
/// such as a reload of the package, keep the first registration).
#[pyfunction]
#[pyo3(name = "_register", signature = (*, op_type, memory_order, alignment_error, memory_order_error,
                    unsupported_width, unsupported_operation, field_info, seq_snapshot,
                    path_error))]
#[allow(clippy::too_many_arguments)]
pub fn register(
    py: Python<'_>,
    op_type: &Bound<'_, PyAny>,
    memory_order: &Bound<'_, PyAny>,
    alignment_error: Py<PyAny>,
    memory_order_error: Py<PyAny>,
    unsupported_width: Py<PyAny>,
    unsupported_operation: Py<PyAny>,
    field_info: Py<PyAny>,
    seq_snapshot: Py<PyAny>,
    path_error: Py<PyAny>,
) -> PyResult<()> {
    if REGISTERED.get(py).is_some() {
        return Ok(());
    }
    let mut op_types = vec![py.None()];
    for code in 1..=OpCode::FetchNeg as u8 {
        op_types.push(op_type.call1((code,))?.unbind());
    }
    let mut orders = Vec::new();
    for v in 0..=5u8 {
        orders.push(match v {
            1 => py.None(),
            v => memory_order.call1((v,))?.unbind(),
        });
    }
    // A concurrent first registration (another thread) wins: same classes either way.
    let _ = REGISTERED.set(
        py,
        Registered {
            op_types,
            orders,
            alignment_error,
            memory_order_error,
            unsupported_width,
            unsupported_operation,
            field_info,
            seq_snapshot,
            path_error,
        },
    );
    Ok(())
}

/// The `OpType` members with these codes, as a list (for `ops_supported`).
pub fn op_type_list<'py>(py: Python<'py>, codes: &[OpCode]) -> PyResult<Bound<'py, PyAny>> {
    let r = registered(py)?;
    let items: Vec<Py<PyAny>> = codes.iter().map(|&op| r.op_type(py, op)).collect();
    Ok(PyList::new(py, items)?.into_any())
}
