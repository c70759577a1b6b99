//! Every runtime error as a Python exception, in one place: the runtime's [`Error`]
//! (operations on an atomic object, segments), a field path's [`PathError`], a `Seq`
//! record's [`RecordError`] and [`SeqError`], a layout's [`LayoutBuildError`], and the
//! refusals of a segment's fields (read-only, inside a record).
//!
//! Two families, one table each:
//! - an operation on an atomic object ([`object_error`]) raises the `atomics` package's
//!   exceptions (`MemoryOrderError`, `UnsupportedOperationException`,
//!   `UnsupportedWidthException`, `AlignmentError`; classes the Python package
//!   registers, see `registry.rs`) or `ValueError`;
//! - a segment ([`segment_error`]) raises `FileNotFoundError`, `FileExistsError`,
//!   `PermissionError`, the package's `PathError` (a `KeyError`, [`path_error`]) or
//!   [`SegmentError`] (an `OSError`).
//!
//! Messages are the runtime's `Display` text, which says what went wrong and what to do.

use pyo3::create_exception;
#[cfg(unix)]
use pyo3::exceptions::{PyFileExistsError, PyFileNotFoundError};
use pyo3::exceptions::{PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use shm_atomics_runtime::{Error, LayoutBuildError, MemoryOrder, PathError, SeqError};
// Segments are unix-only (the runtime's `shm` feature).
#[cfg(unix)]
use shm_atomics_runtime::{RecordError, SegmentErrorKind, TrustOption};

use crate::codes::OpCode;
use crate::registry::{Registered, registered};

create_exception!(
    shm_atomics,
    SegmentError,
    PyOSError,
    "A segment could not be opened, created or used: the message names the file, what is \
     wrong and what to do."
);

/// The Python exception for a runtime error about a segment: `FileNotFoundError`,
/// `FileExistsError`, `PermissionError` (owner, mode, directory or access), `PathError`
/// (a `KeyError`: a field path the layout refuses), else `SegmentError`.
#[cfg(unix)]
pub fn segment_error(e: Error) -> PyErr {
    let msg = match &e {
        // Trust refusals name every keyword argument that admits the file.
        Error::Segment(s) => s.message_with(&|options: &[TrustOption]| {
            options
                .iter()
                .map(|o| match o {
                    TrustOption::Owner(uid) => format!("allow_owner={uid}"),
                    TrustOption::GroupWrite => "allow_group_write=True".to_string(),
                    TrustOption::OtherWrite => "allow_other_write=True".to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
        _ => e.to_string(),
    };
    match &e {
        Error::Segment(s) => match &s.kind {
            SegmentErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
            SegmentErrorKind::AlreadyExists => PyFileExistsError::new_err(msg),
            SegmentErrorKind::PermissionDenied
            | SegmentErrorKind::UntrustedOwner { .. }
            | SegmentErrorKind::SharedWrite { .. }
            | SegmentErrorKind::UnsafeDirectory { .. } => PyPermissionError::new_err(msg),
            _ => SegmentError::new_err(msg),
        },
        Error::Path(p) => Python::attach(|py| path_error(py, p)),
        _ => SegmentError::new_err(msg),
    }
}

/// The `atomics` package's exception for a runtime error of an operation on an object
/// of `width` bytes (`readonly`: the object is read-only); `ValueError` for the rest.
pub fn object_error(py: Python<'_>, e: Error, width: usize, readonly: bool) -> PyErr {
    match e {
        Error::MemoryOrder(e) => match OpCode::of(e.op) {
            Some(op) => memory_order_error(py, op, e.order, e.is_fail),
            None => PyValueError::new_err(e.to_string()),
        },
        Error::UnsupportedOperation(e) => match OpCode::of(e.op) {
            Some(op) => unsupported_operation(py, op, width, e.readonly || readonly),
            None => PyValueError::new_err(e.to_string()),
        },
        Error::UnsupportedWidth(e) => unsupported_width(py, e.width, readonly),
        Error::Alignment(e) => alignment_error(py, e.width, e.addr),
        Error::BitIndex(_) => PyValueError::new_err("'index' value out of range."),
        e => PyValueError::new_err(e.to_string()),
    }
}

/// The package's `PathError` (a `KeyError`) for a field path the layout refuses: the
/// runtime's message (the same words as Rust and `shma`), the path, the byte where it
/// went wrong and the class of error (the names of tests/paths.txt).
pub fn path_error(py: Python<'_>, e: &PathError) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let class = registered(py)?.path_error.bind(py);
        let obj = class.call1((e.to_string(), e.path.as_str(), e.at, e.kind.class()))?;
        Ok(PyErr::from_value(obj))
    })();
    made.unwrap_or_else(|e| e)
}

/// `ValueError` for a layout the runtime refuses to build (where `#[atomic_layout]`
/// refuses to compile), with its message.
pub fn layout_error(e: LayoutBuildError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The exception for a `Seq` record (at field path `record`) that could not be read or
/// written: the protocol's refusal (a dead writer, a torn record, a writer busy too
/// long) as `SegmentError`; a region or path error as [`segment_error`] maps it.
#[cfg(unix)]
pub fn record_error(e: RecordError, record: &str) -> PyErr {
    match e {
        RecordError::Seq(s) => seq_error(s, record),
        RecordError::Region(e) => segment_error(e),
        other => SegmentError::new_err(format!("Seq record `{record}`: {other}")),
    }
}

/// `SegmentError` for the protocol's refusal of the record at field path `record`.
pub fn seq_error(e: SeqError, record: &str) -> PyErr {
    SegmentError::new_err(format!("Seq record `{record}`: {e}"))
}

/// `SegmentError` for the record at field path `record` left torn by process `pid`,
/// which died while writing it.
pub fn torn_error(record: &str, pid: u32) -> PyErr {
    seq_error(SeqError::Torn { pid }, record)
}

/// Why a field of a segment opened read-only cannot change.
pub const OPENED_READONLY: &str = "the segment was opened read-only (open it with Segment.open)";

/// The `PermissionError` for changing a field (`what`: what was tried) of a segment
/// opened read-only.
pub fn readonly_error(what: &str) -> PyErr {
    refused(what, OPENED_READONLY)
}

/// The `PermissionError` for `what` (what was tried), refused because `why`.
pub fn refused(what: &str, why: &str) -> PyErr {
    PyPermissionError::new_err(format!("cannot {what}: {why}"))
}

/// `e` with `why` appended to its message (`args[0]`, which its `str()` shows), for a
/// refusal whose cause the exception class cannot say (a value inside a `Seq` record).
pub fn with_reason(py: Python<'_>, e: PyErr, why: &str) -> PyErr {
    let value = e.value(py);
    let done = (|| -> PyResult<()> {
        let msg: String = value.str()?.extract()?;
        value.setattr("args", (format!("{msg} {why}"),))
    })();
    match done {
        Ok(()) => e,
        Err(failed) => failed,
    }
}

/// Builds an exception object by calling a registered class, or the error that building
/// it raised (`ImportError` when the package registered nothing).
fn build<'py>(
    py: Python<'py>,
    class: impl FnOnce(&Registered) -> &Py<PyAny>,
    args: impl FnOnce(&Registered) -> PyResult<Bound<'py, pyo3::types::PyTuple>>,
    kwarg: (&str, bool),
) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let r = registered(py)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item(kwarg.0, kwarg.1)?;
        let e = class(r).bind(py).call(args(r)?, Some(&kwargs))?;
        Ok(PyErr::from_value(e))
    })();
    made.unwrap_or_else(|e| e)
}

/// `UnsupportedOperationException(optype, width, readonly=..)`.
pub fn unsupported_operation(py: Python<'_>, op: OpCode, width: usize, readonly: bool) -> PyErr {
    build(
        py,
        |r| &r.unsupported_operation,
        |r| (r.op_type(py, op), width).into_pyobject(py),
        ("readonly", readonly),
    )
}

/// `UnsupportedWidthException(width, readonly=..)`.
pub fn unsupported_width(py: Python<'_>, width: usize, readonly: bool) -> PyErr {
    build(
        py,
        |r| &r.unsupported_width,
        |_| (width,).into_pyobject(py),
        ("readonly", readonly),
    )
}

/// `AlignmentError(width, address, using_recommended=True)`.
pub fn alignment_error(py: Python<'_>, width: usize, address: usize) -> PyErr {
    build(
        py,
        |r| &r.alignment_error,
        |_| (width, address).into_pyobject(py),
        ("using_recommended", true),
    )
}

/// `MemoryOrderError(optype, order, is_fail=..)`.
pub fn memory_order_error(py: Python<'_>, op: OpCode, order: MemoryOrder, is_fail: bool) -> PyErr {
    build(
        py,
        |r| &r.memory_order_error,
        |r| (r.op_type(py, op), r.order(py, order)).into_pyobject(py),
        ("is_fail", is_fail),
    )
}
