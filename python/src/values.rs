//! Conversions between Python objects and the runtime's value types, in the seed's
//! terms: integers must fit the width (`OverflowError`, never truncated) and be ints
//! (`TypeError`); bytes operands are any bytes-like object of exactly the width
//! (`ValueError` naming the argument); floats take any real number; bools take `bool`.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use shm_atomics_runtime::{DynValue, Kind};

use crate::memory::BufferHold;

/// A value type that crosses the Python boundary.
pub trait PyValue: Sized {
    /// The operand `obj`, passed as argument `what`.
    fn from_py(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self>;
    /// The Python object of a result.
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl PyValue for $t {
            #[inline]
            fn from_py(obj: &Bound<'_, PyAny>, _what: &str) -> PyResult<Self> {
                obj.extract()
            }
            #[inline]
            fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
                self.into_bound_py_any(py)
            }
        }
    )*};
}
int_value!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl PyValue for f64 {
    #[inline]
    fn from_py(obj: &Bound<'_, PyAny>, _what: &str) -> PyResult<Self> {
        obj.extract()
    }
    #[inline]
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        self.into_bound_py_any(py)
    }
}

impl PyValue for f32 {
    /// Rounded to the nearest `f32` (as `struct.pack('f', x)` does).
    #[inline]
    fn from_py(obj: &Bound<'_, PyAny>, _what: &str) -> PyResult<Self> {
        Ok(obj.extract::<f64>()? as f32)
    }
    #[inline]
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        f64::from(self).into_bound_py_any(py)
    }
}

impl PyValue for bool {
    #[inline]
    fn from_py(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        obj.extract()
            .map_err(|_| PyTypeError::new_err(format!("'{what}' must be a bool")))
    }
    #[inline]
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        self.into_bound_py_any(py)
    }
}

impl<const N: usize> PyValue for [u8; N] {
    #[inline]
    fn from_py(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let mismatch =
            || PyValueError::new_err(format!("'{what}' object length does not match width."));
        if let Ok(b) = obj.cast::<PyBytes>() {
            return b.as_bytes().try_into().map_err(|_| mismatch());
        }
        let held = BufferHold::get(obj, what)?;
        if held.len() != N {
            return Err(mismatch());
        }
        let mut out = [0u8; N];
        // SAFETY: the exported buffer is contiguous and `N` bytes long (checked), valid
        // while `held` lives; `out` is a distinct local array.
        unsafe { std::ptr::copy_nonoverlapping(held.ptr(), out.as_mut_ptr(), N) };
        Ok(out)
    }
    #[inline]
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(PyBytes::new(py, &self).into_any())
    }
}

/// The Python object of a dynamic value (read-only views) of `kind`.
pub fn dyn_to_py<'py>(py: Python<'py>, v: &DynValue, kind: Kind) -> PyResult<Bound<'py, PyAny>> {
    match kind {
        Kind::Int => v.as_i128().to_py(py),
        Kind::Uint => v.as_u128().to_py(py),
        Kind::Bool => v.as_bool().to_py(py),
        Kind::Float => v.as_f64().unwrap_or(f64::NAN).to_py(py),
        _ => Ok(PyBytes::new(py, v.as_bytes()).into_any()),
    }
}

/// The Python int of a striped counter's sum (or one cell) `bits`, wrapped to `width`
/// bytes and signed for `Kind::Int`.
pub fn striped_value(
    py: Python<'_>,
    kind: Kind,
    width: usize,
    bits: u128,
) -> PyResult<Bound<'_, PyAny>> {
    let bitsn = 8 * width as u32;
    let masked = if bitsn >= 128 {
        bits
    } else {
        bits & ((1u128 << bitsn) - 1)
    };
    if kind == Kind::Int && bitsn < 128 && masked >> (bitsn - 1) & 1 == 1 {
        ((masked as i128) - (1i128 << bitsn)).to_py(py)
    } else {
        masked.to_py(py)
    }
}
