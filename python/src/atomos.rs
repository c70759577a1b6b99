//! atomos' classes on the runtime: `AtomicInteger` (32-bit, as Java's), `AtomicLong`
//! (64-bit), `AtomicFloat` (a double) and `AtomicBoolean`, with atomos' method names.
//! In process they own their storage; with `buffer=` they are lock-free views of a
//! buffer (shared memory, an mmap, later a segment field) that they keep exported for
//! their whole life: the replacement for `atomos.multiprocessing.atomic`, which goes
//! through a manager process.
//!
//! Integer operands must fit the width (`OverflowError`); arithmetic wraps, as Java's.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use shm_atomics_runtime::{Error, Kind, Region};

use crate::cells::{
    BoolCell, Cell, Core, FloatCell, IntCell, bool_cell, bool_dispatch, float_cell, float_dispatch,
    int_cell, int_dispatch, make,
};
use crate::codes::OpCode;
use crate::kinds::owned;
use crate::memory::{BufferHold, Keep};
use crate::segment::PySegment;
use crate::values::PyValue;

/// A core of `width` bytes: owned, or over `buffer` (held for the object's life).
fn core<C: Copy>(
    py: Python<'_>,
    buffer: Option<&Bound<'_, PyAny>>,
    width: usize,
    kind: Kind,
    typed: impl FnOnce(Region<'static>) -> Result<C, Error>,
) -> PyResult<Core<C>> {
    let Some(buffer) = buffer else {
        return owned(py, width, kind, typed);
    };
    let held = BufferHold::get(buffer, "buffer")?;
    if held.len() != width {
        return Err(PyValueError::new_err(format!(
            "buffer must be exactly {width} bytes for this type (it has {})",
            held.len()
        )));
    }
    let (ptr, readonly) = (held.ptr(), held.readonly());
    // SAFETY: `ptr` is the held buffer's first byte, valid for `width` bytes (checked)
    // and writable unless `readonly`, for as long as `Keep::Buffer` holds the export,
    // i.e. the object's life; other users of the memory access it atomically (the
    // contract of shared atomics, documented on the class).
    unsafe { make(py, ptr, width, readonly, Keep::Buffer(held), kind, typed) }
}

/// atomos' repr: `<shm_atomics.atomos.atomic.AtomicInteger(5) object at 0x...>`.
fn repr(slf: &Bound<'_, PyAny>, value: Bound<'_, PyAny>) -> PyResult<String> {
    use pyo3::types::PyTypeMethods;
    let name = slf.get_type().name()?;
    Ok(format!(
        "<shm_atomics.atomos.atomic.{name}({}) object at {:#x}>",
        value.str()?,
        slf.as_ptr() as usize
    ))
}

macro_rules! java_class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $cell:ty, $width:expr, $kind:expr, $typed:expr, $zero:expr, $dispatch:ident, numeric: $numeric:tt, on: $kinds:expr, $needs:literal, $on_typed:expr) => {
        $(#[doc = $doc])*
        #[pyclass(frozen, subclass, name = $name, module = "shm_atomics.atomos.atomic")]
        pub struct $cls {
            core: Core<$cell>,
        }

        #[pymethods]
        impl $cls {
            /// `value`: the initial value (default zero/False). With `buffer=`, the value
            /// lives in that buffer (exactly the type's width, aligned) and `value`, if
            /// given, is stored; omitted, the buffer's current value is kept.
            #[new]
            #[pyo3(signature = (value=None, *, buffer=None))]
            fn py_new(py: Python<'_>, value: Option<&Bound<'_, PyAny>>, buffer: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
                let is_owned = buffer.is_none();
                let core = core(py, buffer, $width, $kind, $typed)?;
                match value {
                    Some(v) => core.store(py, v, None)?,
                    None if is_owned => core.store(py, &$zero(py)?, None)?,
                    None => {}
                }
                Ok($cls { core })
            }

            /// The object over the value field `path` of `segment` (a `Segment`), in
            /// place: the lock-free shared replacement for `atomos.multiprocessing`. The
            /// field must have the class's kind and width (`TypeError` otherwise); the
            /// object keeps the mapping alive and raises `ValueError` once the segment is
            /// closed; on a read-only segment changes raise.
            #[staticmethod]
            fn on(py: Python<'_>, segment: &Bound<'_, PyAny>, path: &str) -> PyResult<Self> {
                let native = native_segment(segment)?;
                let core = native.get().core_at(py, path, &$kinds, $width, concat!($name, " needs ", $needs), $on_typed)?;
                Ok($cls { core })
            }

            /// Returns the value.
            fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.core.load(py, None)
            }

            /// Sets the value to `value`; returns `value`.
            fn set<'py>(&self, py: Python<'py>, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                self.core.store(py, &value, None)?;
                Ok(value)
            }

            /// Sets the value to `value`; returns the previous value.
            fn get_and_set<'py>(&self, py: Python<'py>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                self.core.exchange(py, value, None)
            }

            /// Sets the value to `update` if it equals `expect`; returns whether it did.
            fn compare_and_set<'py>(&self, py: Python<'py>, expect: &Bound<'py, PyAny>, update: &Bound<'py, PyAny>) -> PyResult<bool> {
                let c = self.core.rw(py, OpCode::CmpxchgStrong)?;
                $dispatch!(c, a => Ok(a.compare_and_set(PyValue::from_py(expect, "expect")?, PyValue::from_py(update, "update")?)))
            }

            /// Whether the object is read-only (over a read-only buffer).
            #[getter]
            fn readonly(&self) -> bool {
                matches!(self.core.cell, Cell::Ro(_))
            }

            /// Pickling raises: the object is this process's (over its own storage or a
            /// buffer of this process); share a value between processes with
            /// `shm_atomics.atomos.multiprocessing.atomic`.
            fn __reduce__(&self) -> PyResult<()> {
                Err(PyTypeError::new_err(concat!(
                    $name, " of shm_atomics.atomos.atomic lives in this process only and ",
                    "cannot be pickled or sent to another process: use ",
                    "shm_atomics.atomos.multiprocessing.atomic.", $name,
                    " (shared memory) instead"
                )))
            }

            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                let value = slf.get().core.load(slf.py(), None)?;
                repr(slf.as_any(), value)
            }
        }

        java_class!(@numeric $numeric, $cls, $dispatch);
    };
    (@numeric false, $cls:ident, $dispatch:ident) => {};
    (@numeric true, $cls:ident, $dispatch:ident) => {
        #[pymethods]
        impl $cls {
            /// Adds `delta`; returns the new value.
            fn add_and_get<'py>(&self, py: Python<'py>, delta: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.rw(py, OpCode::FetchAdd)?;
                $dispatch!(c, a => a.add_and_get(PyValue::from_py(delta, "delta")?).to_py(py))
            }

            /// Adds `delta`; returns the previous value.
            fn get_and_add<'py>(&self, py: Python<'py>, delta: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.rw(py, OpCode::FetchAdd)?;
                $dispatch!(c, a => a.get_and_add(PyValue::from_py(delta, "delta")?).to_py(py))
            }

            /// Subtracts `delta`; returns the new value.
            fn subtract_and_get<'py>(&self, py: Python<'py>, delta: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.rw(py, OpCode::FetchSub)?;
                $dispatch!(c, a => a.subtract_and_get(PyValue::from_py(delta, "delta")?).to_py(py))
            }

            /// Subtracts `delta`; returns the previous value.
            fn get_and_subtract<'py>(&self, py: Python<'py>, delta: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.rw(py, OpCode::FetchSub)?;
                $dispatch!(c, a => a.get_and_subtract(PyValue::from_py(delta, "delta")?).to_py(py))
            }
        }
    };
}

/// The native handle of a `Segment` (or the handle itself); `TypeError` otherwise.
fn native_segment<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PySegment>> {
    if let Ok(s) = obj.cast::<PySegment>() {
        return Ok(s.clone());
    }
    obj.getattr("_n")
        .ok()
        .and_then(|n| n.cast_into::<PySegment>().ok())
        .ok_or_else(|| PyTypeError::new_err("segment must be a shm_atomics.Segment"))
}

fn int_zero(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    0i64.to_py(py)
}

fn float_zero(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    0.0f64.to_py(py)
}

fn false_(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    false.to_py(py)
}

java_class!(
    /// atomos' `AtomicInteger`: a lock-free 32-bit signed integer (Java's width; wraps).
    AtomicInteger, "AtomicInteger", IntCell, 4, Kind::Int, |r| int_cell(r, true), int_zero, int_dispatch, numeric: true,
    on: [Kind::Int, Kind::Uint], "a 4-byte integer field (i32 or u32)", |r, k| int_cell(r, k == Kind::Int));
java_class!(
    /// atomos' `AtomicLong`: a lock-free 64-bit signed integer (wraps).
    AtomicLong, "AtomicLong", IntCell, 8, Kind::Int, |r| int_cell(r, true), int_zero, int_dispatch, numeric: true,
    on: [Kind::Int, Kind::Uint], "an 8-byte integer field (i64 or u64)", |r, k| int_cell(r, k == Kind::Int));
java_class!(
    /// atomos' `AtomicFloat`: a lock-free double; `compare_and_set` compares bits.
    AtomicFloat, "AtomicFloat", FloatCell, 8, Kind::Float, float_cell, float_zero, float_dispatch, numeric: true,
    on: [Kind::Float], "an f64 field", |r, _| float_cell(r));
java_class!(
    /// atomos' `AtomicBoolean`: a lock-free one-byte bool.
    AtomicBoolean, "AtomicBoolean", BoolCell, 1, Kind::Bool, bool_cell, false_, bool_dispatch, numeric: false,
    on: [Kind::Bool], "a bool field", |r, _| bool_cell(r));
