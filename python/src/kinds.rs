//! The seed's classes (and the float and bool kinds beyond it): owned atomics
//! (`AtomicInt(width=4)`, what `atomic()` returns) and views (`AtomicIntView`, what a
//! view context's `__enter__` returns). An owned atomic and its view class share every
//! operation; they differ in name and in what keeps the memory alive.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use shm_atomics_runtime::{Error, Kind, Region};

use crate::cells::{
    BoolCell, BytesCell, Core, FloatCell, IntCell, bool_cell, bytes_cell, float_cell, int_cell,
    make,
};
use crate::errors::unsupported_width;
use crate::memory::{Keep, Storage};
use crate::methods::{arith_methods, bit_methods, common_methods, step_methods, value_methods};
use crate::wait::wait_methods;

/// The `width=` argument: an int (`TypeError` otherwise, in the seed's words).
pub fn parse_width(width: &Bound<'_, PyAny>) -> PyResult<usize> {
    let w: i128 = width
        .extract()
        .map_err(|_| PyTypeError::new_err("Keyword argument 'width' must have type 'int'."))?;
    if w < 0 {
        return Err(PyValueError::new_err("Negative width"));
    }
    Ok(usize::try_from(w).unwrap_or(usize::MAX))
}

/// A core over new zeroed storage of `width` bytes.
pub fn owned<C: Copy>(
    py: Python<'_>,
    width: usize,
    kind: Kind,
    typed: impl FnOnce(Region<'static>) -> Result<C, Error>,
) -> PyResult<Core<C>> {
    if width > 16 {
        return Err(unsupported_width(py, width, false));
    }
    let storage = Storage::new();
    let ptr = storage.as_ptr();
    // SAFETY: `ptr` is valid for reads and writes of 16 >= width bytes for as long as the
    // Box lives, which `Keep::Owned` ties to the core; nothing but the core's atomics
    // reaches the storage.
    unsafe { make(py, ptr, width, false, Keep::Owned(storage), kind, typed) }
}

macro_rules! class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $module:literal, $cell:ty) => {
        $(#[doc = $doc])*
        #[pyclass(frozen, subclass, name = $name, module = $module)]
        pub struct $cls {
            /// The memory and its typed cell.
            pub core: Core<$cell>,
        }

        impl $cls {
            /// The kind whose operations `ops_supported` lists.
            fn ops_kind(&self) -> Kind {
                self.core.kind
            }

            /// `str(load())` for the repr.
            fn repr_value(&self, py: Python<'_>) -> PyResult<String> {
                Ok(self.core.load(py, None)?.str()?.to_string())
            }
        }
    };
}

macro_rules! int_class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $module:literal) => {
        class!($(#[doc = $doc])* $cls, $name, $module, IntCell);
        common_methods!($cls, signed: true);
        value_methods!($cls);
        bit_methods!($cls);
        arith_methods!($cls);
        step_methods!($cls);
        wait_methods!($cls);
        $crate::fast_int::int_direct!($cls);
        impl $crate::fast::HasFast for $cls {
            fn fast_methods() -> Vec<$crate::fast::FastMethod> {
                let mut v = $crate::fast_table::fast_value!($cls);
                v.extend($crate::fast_table::fast_bit!($cls));
                v.extend($crate::fast_table::fast_arith!($cls));
                v.extend($crate::fast_table::fast_step!($cls));
                v
            }
        }
    };
}

macro_rules! bytes_class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $module:literal) => {
        class!($(#[doc = $doc])* $cls, $name, $module, BytesCell);
        common_methods!($cls, signed: false);
        value_methods!($cls);
        bit_methods!($cls);
        wait_methods!($cls);
        impl $crate::fast_int::Direct for $cls {}
        impl $crate::fast::HasFast for $cls {
            fn fast_methods() -> Vec<$crate::fast::FastMethod> {
                let mut v = $crate::fast_table::fast_value!($cls);
                v.extend($crate::fast_table::fast_bit!($cls));
                v
            }
        }
        #[pymethods]
        impl $cls {
            /// `bytes(a)` is `a.load()`.
            fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.core.load(py, None)
            }
        }
    };
}

macro_rules! float_class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $module:literal) => {
        class!($(#[doc = $doc])* $cls, $name, $module, FloatCell);
        common_methods!($cls, signed: false);
        value_methods!($cls);
        arith_methods!($cls);
        wait_methods!($cls);
        impl $crate::fast_int::Direct for $cls {}
        impl $crate::fast::HasFast for $cls {
            fn fast_methods() -> Vec<$crate::fast::FastMethod> {
                let mut v = $crate::fast_table::fast_value!($cls);
                v.extend($crate::fast_table::fast_arith!($cls));
                v
            }
        }
        #[pymethods]
        impl $cls {
            /// `float(a)` is `a.load()`.
            fn __float__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.core.load(py, None)
            }
        }
    };
}

macro_rules! bool_class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $module:literal) => {
        class!($(#[doc = $doc])* $cls, $name, $module, BoolCell);
        common_methods!($cls, signed: false);
        value_methods!($cls);
        bit_methods!($cls);
        impl $crate::fast_int::Direct for $cls {}
        impl $crate::fast::HasFast for $cls {
            fn fast_methods() -> Vec<$crate::fast::FastMethod> {
                let mut v = $crate::fast_table::fast_value!($cls);
                v.extend($crate::fast_table::fast_bit!($cls));
                v
            }
        }
        #[pymethods]
        impl $cls {
            /// `bool(a)` is `a.load()`.
            fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
                self.core.load(py, None)?.is_truthy()
            }
        }
    };
}

int_class!(
    /// An owned atomic integer (`INTEGRAL`); its signedness is chosen at construction.
    AtomicIntegral, "AtomicIntegral", "shm_atomics.base");
int_class!(
    /// An owned atomic signed integer of 1, 2, 4, 8 or 16 bytes (`INT`), wrapping.
    AtomicInt, "AtomicInt", "shm_atomics.base");
int_class!(
    /// An owned atomic unsigned integer of 1, 2, 4, 8 or 16 bytes (`UINT`), wrapping.
    AtomicUint, "AtomicUint", "shm_atomics.base");
bytes_class!(
    /// Owned atomic raw bytes of 1, 2, 4, 8 or 16 bytes (`BYTES`).
    AtomicBytes, "AtomicBytes", "shm_atomics.base");
float_class!(
    /// An owned atomic IEEE float of 4 or 8 bytes (`FLOAT`, beyond the seed).
    AtomicFloat, "AtomicFloat", "shm_atomics.base");
bool_class!(
    /// An owned atomic one-byte bool (`BOOL`, beyond the seed).
    AtomicBool, "AtomicBool", "shm_atomics.base");
int_class!(
    /// A view of a buffer as an integer (`INTEGRAL`), from a view context.
    AtomicIntegralView, "AtomicIntegralView", "shm_atomics.view");
int_class!(
    /// A view of a buffer as a signed integer (`INT`), from a view context.
    AtomicIntView, "AtomicIntView", "shm_atomics.view");
int_class!(
    /// A view of a buffer as an unsigned integer (`UINT`), from a view context.
    AtomicUintView, "AtomicUintView", "shm_atomics.view");
bytes_class!(
    /// A view of a buffer as raw bytes (`BYTES`), from a view context.
    AtomicBytesView, "AtomicBytesView", "shm_atomics.view");
float_class!(
    /// A view of a buffer as a float (`FLOAT`), from a view context.
    AtomicFloatView, "AtomicFloatView", "shm_atomics.view");
bool_class!(
    /// A view of a buffer as a bool (`BOOL`), from a view context.
    AtomicBoolView, "AtomicBoolView", "shm_atomics.view");

#[pymethods]
impl AtomicIntegral {
    #[new]
    #[pyo3(signature = (*, width, is_signed))]
    fn py_new(py: Python<'_>, width: &Bound<'_, PyAny>, is_signed: bool) -> PyResult<Self> {
        let kind = if is_signed { Kind::Int } else { Kind::Uint };
        let core = owned(py, parse_width(width)?, kind, |r| int_cell(r, is_signed))?;
        Ok(AtomicIntegral { core })
    }
}

#[pymethods]
impl AtomicInt {
    #[new]
    #[pyo3(signature = (*, width))]
    fn py_new(py: Python<'_>, width: &Bound<'_, PyAny>) -> PyResult<Self> {
        let core = owned(py, parse_width(width)?, Kind::Int, |r| int_cell(r, true))?;
        Ok(AtomicInt { core })
    }
}

#[pymethods]
impl AtomicUint {
    #[new]
    #[pyo3(signature = (*, width))]
    fn py_new(py: Python<'_>, width: &Bound<'_, PyAny>) -> PyResult<Self> {
        let core = owned(py, parse_width(width)?, Kind::Uint, |r| int_cell(r, false))?;
        Ok(AtomicUint { core })
    }
}

#[pymethods]
impl AtomicBytes {
    #[new]
    #[pyo3(signature = (*, width))]
    fn py_new(py: Python<'_>, width: &Bound<'_, PyAny>) -> PyResult<Self> {
        let core = owned(py, parse_width(width)?, Kind::Bytes, bytes_cell)?;
        Ok(AtomicBytes { core })
    }
}

#[pymethods]
impl AtomicFloat {
    #[new]
    #[pyo3(signature = (*, width))]
    fn py_new(py: Python<'_>, width: &Bound<'_, PyAny>) -> PyResult<Self> {
        let core = owned(py, parse_width(width)?, Kind::Float, float_cell)?;
        Ok(AtomicFloat { core })
    }
}

#[pymethods]
impl AtomicBool {
    #[new]
    #[pyo3(signature = (*, width=None))]
    fn py_new(py: Python<'_>, width: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let width = width.map(parse_width).transpose()?.unwrap_or(1);
        let core = owned(py, width, Kind::Bool, bool_cell)?;
        Ok(AtomicBool { core })
    }
}

macro_rules! any_class {
    ($(#[doc = $doc:literal])* $cls:ident, $name:literal, $module:literal) => {
        $(#[doc = $doc])*
        #[pyclass(frozen, subclass, name = $name, module = $module)]
        pub struct $cls {
            /// The memory.
            pub core: Core<BytesCell>,
            /// The kind whose operations `ops_supported` lists (`is_integral`, `is_signed`).
            pub ops: Kind,
        }

        impl $cls {
            fn ops_kind(&self) -> Kind {
                self.ops
            }

            fn repr_value(&self, _py: Python<'_>) -> PyResult<String> {
                Ok(String::new())
            }
        }

        common_methods!($cls, signed: none);
    };
}

any_class!(
    /// An owned atomic of type `ANY`: properties only, no operations (as in the seed).
    PyAtomicAny, "Atomic", "shm_atomics.base");
any_class!(
    /// A view of type `ANY`: properties only, no operations (as in the seed).
    PyAtomicAnyView, "AtomicView", "shm_atomics.view");

/// The kind `ops_supported` lists for the seed's `is_integral`/`is_signed`.
pub fn any_ops(is_integral: bool, is_signed: bool) -> Kind {
    match (is_integral, is_signed) {
        (false, _) => Kind::Bytes,
        (true, true) => Kind::Int,
        (true, false) => Kind::Uint,
    }
}

#[pymethods]
impl PyAtomicAny {
    #[new]
    #[pyo3(signature = (*, width, is_integral, is_signed))]
    fn py_new(
        py: Python<'_>,
        width: &Bound<'_, PyAny>,
        is_integral: bool,
        is_signed: bool,
    ) -> PyResult<Self> {
        let core = owned(py, parse_width(width)?, Kind::Bytes, bytes_cell)?;
        Ok(PyAtomicAny {
            core,
            ops: any_ops(is_integral, is_signed),
        })
    }
}
