//! `Layout`: a layout declared in Python (a name, fields with types, arrays, nested
//! layouts, per-field and layout alignment), placed by the runtime's
//! `LayoutDescBuf::build` with the rules of `#[atomic_layout]`, so its descriptor and
//! fingerprint are the ones Rust computes for the same struct.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use shm_atomics_runtime::{FieldDescBuf, FieldSpec, FieldTypeBuf, Kind, LayoutDescBuf};

use crate::errors::layout_error;
use crate::registry::registered;

/// A layout: what a segment holds. `Layout(name, fields, align=None)` with fields as
/// `(name, type)`, `(name, type, array_len)` or `(name, type, array_len, align)` tuples
/// (or `shm_atomics.Field`s); types are `"u8"`..`"u128"`, `"i8"`..`"i128"`, `"f32"`,
/// `"f64"`, `"bool"`, `"[u8; N]"` (or `"bytesN"`), nested `Layout`s, and the format
/// version 2 types `"Event"`, `"Striped<T, N>"` and `("Seq", Layout)` (see `layout_v2`).
#[pyclass(frozen, eq, module = "shm_atomics", name = "Layout")]
#[derive(PartialEq)]
pub struct PyLayout {
    /// The descriptor.
    pub desc: LayoutDescBuf,
}

/// The value type a string names: `(kind, width)`.
pub fn value_type(s: &str) -> Option<(Kind, usize)> {
    let s = s.trim();
    let bits = |rest: &str| {
        rest.parse::<usize>()
            .ok()
            .filter(|b| b % 8 == 0)
            .map(|b| b / 8)
    };
    if s == "bool" {
        return Some((Kind::Bool, 1));
    }
    if let Some(n) = s.strip_prefix("bytes") {
        return n.parse().ok().map(|n| (Kind::Bytes, n));
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let (elem, n) = inner.split_once(';')?;
        if elem.trim() == "u8" {
            return n.trim().parse().ok().map(|n| (Kind::Bytes, n));
        }
        return None;
    }
    let (kind, rest) = match s.split_at_checked(1)? {
        ("u", r) => (Kind::Uint, r),
        ("i", r) => (Kind::Int, r),
        ("f", r) => (Kind::Float, r),
        _ => return None,
    };
    bits(rest).map(|w| (kind, w))
}

/// One field declaration from Python.
fn field_spec(item: &Bound<'_, PyAny>) -> PyResult<FieldSpec> {
    let t: &Bound<'_, PyTuple> = item.cast().map_err(|_| {
        PyTypeError::new_err(
            "a field is a tuple (name, type[, array_len[, align]]) or a shm_atomics.Field",
        )
    })?;
    if !(2..=4).contains(&t.len()) {
        return Err(PyTypeError::new_err(format!(
            "a field is (name, type[, array_len[, align]]), got {} items",
            t.len()
        )));
    }
    let name: String = t.get_item(0)?.extract()?;
    let ty = t.get_item(1)?;
    let opt = |i: usize| -> PyResult<Option<usize>> {
        if t.len() > i {
            Ok(t.get_item(i)?.extract()?)
        } else {
            Ok(None)
        }
    };
    let (array_len, align) = (opt(2)?, opt(3)?);
    let mut spec = if let Ok(l) = ty.cast::<PyLayout>() {
        FieldSpec::layout(&name, l.get().desc.clone())
    } else if let Some(seq) = crate::layout_v2::seq_type(&name, &ty)? {
        FieldSpec::of(&name, seq)
    } else if let Ok(s) = ty.extract::<String>() {
        if let Some(v2) = crate::layout_v2::v2_type(&name, &s, value_type)? {
            FieldSpec::of(&name, v2)
        } else {
            let (kind, width) = value_type(&s).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "field `{name}`: unknown type {s:?}; use u8..u128, i8..i128, f32, f64, bool, \
                 \"[u8; N]\" (N = 1, 2, 4, 8, 16), \"Event\", \"Striped<T, N>\", \
                 (\"Seq\", Layout) or a Layout"
                ))
            })?;
            FieldSpec::value(&name, kind, width)
        }
    } else {
        return Err(PyTypeError::new_err(format!(
            "field `{name}`: the type is a string such as \"u64\", a Layout or (\"Seq\", Layout)"
        )));
    };
    spec.array_len = array_len;
    spec.align = align;
    Ok(spec)
}

/// The kind name of a field: `int`, `uint`, `float`, `bool`, `bytes`, `layout`, `seq`,
/// `striped`, `event`.
pub fn kind_name(ty: &FieldTypeBuf) -> &'static str {
    match ty {
        FieldTypeBuf::Value { kind, .. } => match kind {
            Kind::Int => "int",
            Kind::Uint => "uint",
            Kind::Float => "float",
            Kind::Bool => "bool",
            Kind::Bytes => "bytes",
        },
        FieldTypeBuf::Layout(_) => "layout",
        FieldTypeBuf::Seq(_) => "seq",
        FieldTypeBuf::Striped { .. } => "striped",
        FieldTypeBuf::Event => "event",
        _ => "unknown",
    }
}

/// A `shm_atomics.FieldInfo` (the class the package registered) for one field.
fn field_info<'py>(py: Python<'py>, f: &FieldDescBuf) -> PyResult<Bound<'py, PyAny>> {
    let nested = match &f.ty {
        FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) => Some(Py::new(
            py,
            PyLayout {
                desc: (**d).clone(),
            },
        )?),
        _ => None,
    };
    let cls = registered(py)?.field_info.bind(py);
    cls.call1((
        f.name.as_str(),
        f.type_name(),
        kind_name(&f.ty),
        f.width(),
        f.offset,
        f.array_len,
        f.align,
        nested,
    ))
}

#[pymethods]
impl PyLayout {
    #[new]
    #[pyo3(signature = (name, fields, align=None))]
    fn py_new(name: &str, fields: &Bound<'_, PyAny>, align: Option<usize>) -> PyResult<Self> {
        let specs = fields
            .try_iter()?
            .map(|f| field_spec(&f?))
            .collect::<PyResult<Vec<_>>>()?;
        let desc = LayoutDescBuf::build(name, specs, align).map_err(layout_error)?;
        Ok(PyLayout { desc })
    }

    /// The layout's name.
    #[getter]
    fn name(&self) -> &str {
        &self.desc.name
    }

    /// Its size in bytes.
    #[getter]
    fn size(&self) -> usize {
        self.desc.size
    }

    /// Its alignment in bytes.
    #[getter]
    fn align(&self) -> usize {
        self.desc.align
    }

    /// Its fingerprint, equal to `Layout::FINGERPRINT` of the same Rust struct.
    #[getter]
    fn fingerprint(&self) -> u64 {
        self.desc.fingerprint()
    }

    /// Its fields as `FieldInfo`s, in declaration order.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.desc.fields.iter().map(|f| field_info(py, f)).collect()
    }

    /// The descriptor's canonical encoding (what a segment stores).
    fn encode<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.desc.encode())
    }

    /// The C11 header declaring this layout (as `Layout::c_header()` in Rust).
    fn c_header(&self) -> String {
        self.desc.c_header()
    }

    fn __repr__(&self) -> String {
        format!(
            "Layout(name={:?}, size={}, align={}, fields={}, fingerprint={:#018x})",
            self.desc.name,
            self.desc.size,
            self.desc.align,
            self.desc.fields.len(),
            self.desc.fingerprint()
        )
    }
}
