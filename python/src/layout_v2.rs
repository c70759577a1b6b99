//! The segment format version 2 field types in layouts declared from Python, spelled as
//! in Rust so that the descriptor and fingerprint are the macro's: `"Event"`,
//! `"Striped<T, N>"` (`T` one of `u32`, `i32`, `u64`, `i64`; 1 to 4096 cells of
//! [`STRIPE`] bytes) and `("Seq", layout)` for a `Seq<L>` record of a declared layout.
//!
//! ```python
//! pose = Layout("Pose", [("x", "u64"), ("y", "u64")])
//! board = Layout("Board", [("hits", "Striped<u64, 8>"), ("ready", "Event"),
//!                          ("pose", ("Seq", pose))])
//! ```

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use shm_atomics_runtime::{FieldTypeBuf, Kind, STRIPE};

use crate::layout::PyLayout;

/// A `("Seq", Layout)` type: the `Seq` record type, `None` if `ty` is not a tuple;
/// `TypeError` for any other tuple.
pub fn seq_type(name: &str, ty: &Bound<'_, PyAny>) -> PyResult<Option<FieldTypeBuf>> {
    let Ok(t) = ty.cast::<PyTuple>() else {
        return Ok(None);
    };
    let bad = || {
        PyTypeError::new_err(format!(
            "field `{name}`: a tuple type is (\"Seq\", Layout), the record's layout"
        ))
    };
    if t.len() != 2 || t.get_item(0)?.extract::<String>().ok().as_deref() != Some("Seq") {
        return Err(bad());
    }
    let record = t.get_item(1)?;
    let layout = record.cast::<PyLayout>().map_err(|_| bad())?;
    Ok(Some(FieldTypeBuf::Seq(Box::new(layout.get().desc.clone()))))
}

/// `"Event"` and `"Striped<T, N>"` as their types; `None` for other names (value types);
/// `ValueError` for a malformed one of these, or a `Seq` spelled as a string.
pub fn v2_type(
    name: &str,
    s: &str,
    value_type: fn(&str) -> Option<(Kind, usize)>,
) -> PyResult<Option<FieldTypeBuf>> {
    let t = s.trim();
    if t == "Event" {
        return Ok(Some(FieldTypeBuf::Event));
    }
    if t == "Seq" || t.starts_with("Seq<") {
        return Err(PyValueError::new_err(format!(
            "field `{name}`: declare a Seq field as (\"Seq\", layout), with the record's Layout"
        )));
    }
    let Some(inner) = t.strip_prefix("Striped<") else {
        return Ok(None);
    };
    let bad = |why: &str| {
        PyValueError::new_err(format!(
            "field `{name}`: {s:?} {why}; write \"Striped<T, N>\" with T one of u32, i32, \
             u64, i64 and N from 1 to 4096 cells"
        ))
    };
    let (elem, cells) = inner
        .strip_suffix('>')
        .and_then(|r| r.split_once(','))
        .ok_or_else(|| bad("is not Striped<T, N>"))?;
    let (kind, width) = value_type(elem.trim())
        .filter(|&(k, w)| matches!(k, Kind::Int | Kind::Uint) && (w == 4 || w == 8))
        .ok_or_else(|| bad("has no striped cell type"))?;
    let cells: usize = cells
        .trim()
        .parse()
        .ok()
        .filter(|&n| (1..=4096).contains(&n))
        .ok_or_else(|| bad("has no cell count from 1 to 4096 (Rust's limit)"))?;
    Ok(Some(FieldTypeBuf::Striped {
        kind,
        width,
        cells,
        stride: STRIPE,
    }))
}
