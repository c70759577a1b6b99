//! `AtomicViewContext`: what `atomicview(buffer=, atype=)` returns. It exports the
//! buffer at construction (checking width and alignment there, as the seed does), hands
//! out one view on `__enter__`, and releases the buffer on `__exit__`/`release()`, after
//! which the view raises. The seed README's contract, exactly:
//!
//! - `release()` while open: `ValueError("Cannot call 'release' while context is open.")`
//! - `__enter__` twice: `ValueError("Cannot open context multiple times.")`
//! - `__enter__` after `release()` or `__exit__`:
//!   `ValueError("Cannot open context after calling 'release'.")`
//! - `release()` and `__exit__` may be called any number of times.

use std::sync::{Arc, Mutex};

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use shm_atomics_runtime::Kind;

use crate::cells::{
    BoolCell, BytesCell, Core, FloatCell, IntCell, bool_cell, bytes_cell, float_cell, int_cell,
    make,
};
use crate::kinds::{
    AtomicBoolView, AtomicBytesView, AtomicFloatView, AtomicIntView, AtomicIntegralView,
    AtomicUintView, PyAtomicAnyView, any_ops,
};
use crate::memory::{BufferHold, Keep, Lease};

/// The view a context will hand out, made (and so checked) at construction.
enum Pending {
    Integral(Core<IntCell>),
    Int(Core<IntCell>),
    Uint(Core<IntCell>),
    Bytes(Core<BytesCell>),
    Float(Core<FloatCell>),
    Bool(Core<BoolCell>),
    Any(Core<BytesCell>, Kind),
}

/// The context's state.
struct State {
    entered: bool,
    exited: bool,
    pending: Option<Pending>,
}

/// A view context over a buffer (`atomicview()` returns one): use it in a `with`
/// statement to get the view; the buffer must stay valid until the context exits.
#[pyclass(
    frozen,
    subclass,
    module = "shm_atomics.ctx",
    name = "AtomicViewContext"
)]
pub struct AtomicViewContext {
    lease: Arc<Lease>,
    state: Mutex<State>,
}

impl AtomicViewContext {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[pymethods]
impl AtomicViewContext {
    /// `kind`: "any", "integral", "int", "uint", "bytes", "float" or "bool".
    #[new]
    #[pyo3(signature = (*, buffer, kind, is_integral=false, is_signed=false))]
    fn py_new(
        py: Python<'_>,
        buffer: &Bound<'_, PyAny>,
        kind: &str,
        is_integral: bool,
        is_signed: bool,
    ) -> PyResult<Self> {
        let held = BufferHold::get(buffer, "buffer")?;
        let (ptr, len, readonly) = (held.ptr(), held.len(), held.readonly());
        let lease = Lease::new(held);
        let keep = || Keep::Lease(lease.clone());
        // Every view of the buffer is made here, by `make`.
        macro_rules! mk {
            ($kind:expr, $typed:expr) => {
                // SAFETY: `ptr` is the exported buffer's first byte, valid for `len`
                // bytes (and writable unless `readonly`) until the lease is released,
                // which every operation checks first (`Keep::Lease`); that the buffer is
                // only accessed atomically meanwhile is the seed's contract for a view's
                // buffer.
                unsafe { make(py, ptr, len, readonly, keep(), $kind, $typed)? }
            };
        }
        let pending = match kind {
            "integral" => {
                let k = if is_signed { Kind::Int } else { Kind::Uint };
                Pending::Integral(mk!(k, |r| int_cell(r, is_signed)))
            }
            "int" => Pending::Int(mk!(Kind::Int, |r| int_cell(r, true))),
            "uint" => Pending::Uint(mk!(Kind::Uint, |r| int_cell(r, false))),
            "bytes" => Pending::Bytes(mk!(Kind::Bytes, bytes_cell)),
            "float" => Pending::Float(mk!(Kind::Float, float_cell)),
            "bool" => Pending::Bool(mk!(Kind::Bool, bool_cell)),
            "any" => Pending::Any(
                mk!(Kind::Bytes, bytes_cell),
                any_ops(is_integral, is_signed),
            ),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown view kind {other:?}"
                )));
            }
        };
        Ok(AtomicViewContext {
            lease,
            state: Mutex::new(State {
                entered: false,
                exited: false,
                pending: Some(pending),
            }),
        })
    }

    /// Opens the context: returns the view (once).
    fn __enter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut st = self.state();
        if self.lease.is_released() {
            return Err(PyValueError::new_err(
                "Cannot open context after calling 'release'.",
            ));
        }
        if st.entered {
            return Err(PyValueError::new_err("Cannot open context multiple times."));
        }
        let Some(pending) = st.pending.take() else {
            return Err(PyValueError::new_err("Cannot open context multiple times."));
        };
        st.entered = true;
        match pending {
            Pending::Integral(core) => AtomicIntegralView { core }.into_py_any(py),
            Pending::Int(core) => AtomicIntView { core }.into_py_any(py),
            Pending::Uint(core) => AtomicUintView { core }.into_py_any(py),
            Pending::Bytes(core) => AtomicBytesView { core }.into_py_any(py),
            Pending::Float(core) => AtomicFloatView { core }.into_py_any(py),
            Pending::Bool(core) => AtomicBoolView { core }.into_py_any(py),
            Pending::Any(core, ops) => PyAtomicAnyView { core, ops }.into_py_any(py),
        }
    }

    /// Closes the context and releases the buffer; the view raises from now on.
    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        let mut st = self.state();
        st.exited = true;
        st.pending = None;
        self.lease.release();
        false
    }

    /// Releases the buffer (any number of times), unless the context is open.
    fn release(&self) -> PyResult<()> {
        let mut st = self.state();
        if st.entered && !st.exited {
            return Err(PyValueError::new_err(
                "Cannot call 'release' while context is open.",
            ));
        }
        st.pending = None;
        self.lease.release();
        Ok(())
    }
}
