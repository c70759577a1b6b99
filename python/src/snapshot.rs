//! A layout's values as Python objects, walked over the descriptor: a dict per layout
//! (nested layouts as dicts, arrays as lists), a `Striped` counter as its sum, an
//! `Event` as its generation. Each value comes from a loader (a consistent copy of a
//! record, or the mapping); each `Seq` record from a hook (inside a copy: its values;
//! in a segment: one read through the record's protocol, see `fields::record`).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use shm_atomics_runtime::{DynValue, FieldType, FieldTypeBuf, Kind, LayoutDescBuf};

use crate::errors::SegmentError;
use crate::values::{dyn_to_py, striped_value};

/// Loads one value: `(offset, kind, width)`.
pub type Load<'a> = dyn Fn(usize, Kind, usize) -> PyResult<DynValue> + 'a;

/// Takes a whole `Seq` field: `(its path, offset of its sequence word, record's layout)`.
pub type SeqHook<'a, 'py> = dyn Fn(&str, usize, &LayoutDescBuf) -> PyResult<Bound<'py, PyAny>> + 'a;

/// The values of the layout `desc` placed at `base` (at path `prefix`, empty at the top),
/// as a dict.
pub fn layout_dict<'py>(
    py: Python<'py>,
    load: &Load<'_>,
    seq: &SeqHook<'_, 'py>,
    desc: &LayoutDescBuf,
    base: usize,
    prefix: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for f in &desc.fields {
        // The field's (or element's) path, made only where a hook needs it.
        let path = |i: Option<usize>| {
            let dot = if prefix.is_empty() { "" } else { "." };
            match i {
                None => format!("{prefix}{dot}{}", f.name),
                Some(i) => format!("{prefix}{dot}{}[{i}]", f.name),
            }
        };
        let one = |off: usize, i: Option<usize>| -> PyResult<Bound<'py, PyAny>> {
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    dyn_to_py(py, &load(off, *kind, *width)?, *kind)
                }
                FieldTypeBuf::Layout(d) => {
                    Ok(layout_dict(py, load, seq, d, off, &path(i))?.into_any())
                }
                FieldTypeBuf::Seq(d) => seq(&path(i), off, d),
                FieldTypeBuf::Event => dyn_to_py(py, &load(off, Kind::Uint, 4)?, Kind::Uint),
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    let mut sum = 0u128;
                    for c in 0..*cells {
                        let cell = load(off + c * stride, Kind::Uint, *width)?;
                        sum = sum.wrapping_add(cell.as_u128());
                    }
                    striped_value(py, *kind, *width, sum)
                }
                other => Err(SegmentError::new_err(format!(
                    "field `{}` has a type this version cannot read: {other:?}",
                    f.name
                ))),
            }
        };
        let at = base + f.offset;
        let v = match f.array_len {
            None => one(at, None)?,
            Some(n) => {
                let items = (0..n)
                    .map(|i| one(at + i * f.width(), Some(i)))
                    .collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, items)?.into_any()
            }
        };
        out.set_item(&f.name, v)?;
    }
    Ok(out)
}

/// The values of a copied record (the record's layout `d` at `base`), a `Seq` nested in
/// it included (from the same copy, which is consistent as a whole).
pub fn record_values<'py>(
    py: Python<'py>,
    load: &Load<'_>,
    d: &LayoutDescBuf,
    base: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let nested = |_: &str, off: usize, inner: &LayoutDescBuf| -> PyResult<Bound<'py, PyAny>> {
        let at = off + FieldType::seq_record_offset(inner.align);
        Ok(record_values(py, load, inner, at)?.into_any())
    };
    layout_dict(py, load, &nested, d, base, "")
}
