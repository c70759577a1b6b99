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

/// Takes a whole `Seq` field: `(offset of its sequence word, record's layout)`.
pub type SeqHook<'a, 'py> = dyn Fn(usize, &LayoutDescBuf) -> PyResult<Bound<'py, PyAny>> + 'a;

/// The values of the layout `desc` placed at `base`, as a dict.
pub fn layout_dict<'py>(
    py: Python<'py>,
    load: &Load<'_>,
    seq: &SeqHook<'_, 'py>,
    desc: &LayoutDescBuf,
    base: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for f in &desc.fields {
        let one = |off: usize| -> PyResult<Bound<'py, PyAny>> {
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    dyn_to_py(py, &load(off, *kind, *width)?, *kind)
                }
                FieldTypeBuf::Layout(d) => Ok(layout_dict(py, load, seq, d, off)?.into_any()),
                FieldTypeBuf::Seq(d) => seq(off, d),
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

/// The values of a copied record (the record's layout `d` at `base`), a `Seq` nested in
/// it included (from the same copy, which is consistent as a whole).
pub fn record_values<'py>(
    py: Python<'py>,
    load: &Load<'_>,
    d: &LayoutDescBuf,
    base: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let nested = |off: usize, inner: &LayoutDescBuf| -> PyResult<Bound<'py, PyAny>> {
        let at = off + FieldType::seq_record_offset(inner.align);
        Ok(record_values(py, load, inner, at)?.into_any())
    };
    layout_dict(py, load, &nested, d, base)
}
