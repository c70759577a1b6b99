//! The Python methods of the seed's classes, written once per capability as macros that
//! emit a `#[pymethods]` block for a class holding `core` (PyO3's `multiple-pymethods`
//! joins the blocks): `common_methods!` (properties, repr), `value_methods!`,
//! `bit_methods!`, `arith_methods!` and `step_methods!`. Arguments are parsed by PyO3's
//! fastcall (vectorcall) entry points; each method forwards to `ops.rs`.

/// `width`, `readonly`, `ops_supported`, `_address`, and the seed's `str`/`repr`.
macro_rules! common_methods {
    ($cls:ident, signed: $signed:tt) => {
        #[pyo3::pymethods]
        impl $cls {
            /// Width in bytes of the memory (for a view, the buffer's `nbytes`).
            #[getter]
            fn width(&self) -> pyo3::PyResult<usize> {
                self.core.keep.check()?;
                Ok(self.core.width)
            }

            /// Whether the object only offers `load` and `bit_test` (a read-only buffer).
            #[getter]
            fn readonly(&self) -> pyo3::PyResult<bool> {
                self.core.keep.check()?;
                Ok(self.core.readonly())
            }

            /// The sorted list of `OpType`s this object supports.
            #[getter]
            fn ops_supported<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.core.keep.check()?;
                $crate::registry::op_type_list(py, &$crate::codes::OpCode::supported(self.ops_kind(), self.core.readonly()))
            }

            /// The address of the first byte.
            #[getter]
            fn _address(&self) -> pyo3::PyResult<usize> {
                self.core.keep.check()?;
                Ok(self.core.addr)
            }

            fn __repr__(slf: &pyo3::Bound<'_, Self>) -> pyo3::PyResult<String> {
                use pyo3::types::{PyAnyMethods, PyTypeMethods};
                let name = slf.get_type().name()?;
                let core = &slf.get().core;
                if core.keep.is_released() {
                    return Ok(format!("{name}(released)"));
                }
                let readonly = if core.readonly() { "True" } else { "False" };
                let value = slf.get().repr_value(slf.py())?;
                common_methods!(@fmt $signed, core, name, value, readonly)
            }

            fn __str__(slf: &pyo3::Bound<'_, Self>) -> pyo3::PyResult<String> {
                Self::__repr__(slf)
            }
        }
    };
    (@fmt true, $core:ident, $name:ident, $value:ident, $ro:ident) => {{
        let signed = if matches!($core.kind, shm_atomics_runtime::Kind::Int) { "True" } else { "False" };
        Ok(format!("{}(value={}, width={}, readonly={}, signed={})", $name, $value, $core.width, $ro, signed))
    }};
    (@fmt false, $core:ident, $name:ident, $value:ident, $ro:ident) => {
        Ok(format!("{}(value={}, width={}, readonly={})", $name, $value, $core.width, $ro))
    };
    (@fmt none, $core:ident, $name:ident, $value:ident, $ro:ident) => {{
        let _ = $value;
        Ok(format!("{}(width={}, readonly={})", $name, $core.width, $ro))
    }};
}
pub(crate) use common_methods;

/// `load`, `store`, `exchange`, `cmpxchg_weak`, `cmpxchg_strong`.
macro_rules! value_methods {
    ($cls:ident) => {
        #[pyo3::pymethods]
        impl $cls {
            /// Atomically loads the value. `order`: `RELAXED`, `ACQUIRE` or `SEQ_CST`.
            #[pyo3(signature = (order=None))]
            fn load<'py>(&self, py: pyo3::Python<'py>, order: Option<&pyo3::Bound<'py, pyo3::PyAny>>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.core.load(py, order)
            }

            /// Atomically stores `desired`. `order`: `RELAXED`, `RELEASE` or `SEQ_CST`.
            #[pyo3(signature = (desired, order=None))]
            fn store(&self, py: pyo3::Python<'_>, desired: &pyo3::Bound<'_, pyo3::PyAny>, order: Option<&pyo3::Bound<'_, pyo3::PyAny>>) -> pyo3::PyResult<()> {
                self.core.store(py, desired, order)
            }

            /// Atomically stores `desired` and returns the previous value.
            #[pyo3(signature = (desired, order=None))]
            fn exchange<'py>(&self, py: pyo3::Python<'py>, desired: &pyo3::Bound<'py, pyo3::PyAny>, order: Option<&pyo3::Bound<'py, pyo3::PyAny>>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.core.exchange(py, desired, order)
            }

            /// Stores `desired` if the value equals `expected`; may fail spuriously.
            /// Returns a `CmpxchgResult`. `failure` must be a load order (C++17 rule).
            /// `succ`/`fail` are the seed's BYTES spellings of `success`/`failure`.
            #[pyo3(signature = (expected, desired, success=None, failure=None, *, succ=None, fail=None))]
            #[allow(clippy::too_many_arguments)]
            fn cmpxchg_weak<'py>(&self, py: pyo3::Python<'py>, expected: &pyo3::Bound<'py, pyo3::PyAny>, desired: &pyo3::Bound<'py, pyo3::PyAny>, success: Option<&pyo3::Bound<'py, pyo3::PyAny>>, failure: Option<&pyo3::Bound<'py, pyo3::PyAny>>, succ: Option<&pyo3::Bound<'py, pyo3::PyAny>>, fail: Option<&pyo3::Bound<'py, pyo3::PyAny>>) -> pyo3::PyResult<pyo3::Bound<'py, $crate::cmpxchg::CmpxchgResult>> {
                self.core.cmpxchg(py, true, expected, desired, success.or(succ), failure.or(fail))
            }

            /// Stores `desired` if the value equals `expected`. Returns a `CmpxchgResult`.
            #[pyo3(signature = (expected, desired, success=None, failure=None, *, succ=None, fail=None))]
            #[allow(clippy::too_many_arguments)]
            fn cmpxchg_strong<'py>(&self, py: pyo3::Python<'py>, expected: &pyo3::Bound<'py, pyo3::PyAny>, desired: &pyo3::Bound<'py, pyo3::PyAny>, success: Option<&pyo3::Bound<'py, pyo3::PyAny>>, failure: Option<&pyo3::Bound<'py, pyo3::PyAny>>, succ: Option<&pyo3::Bound<'py, pyo3::PyAny>>, fail: Option<&pyo3::Bound<'py, pyo3::PyAny>>) -> pyo3::PyResult<pyo3::Bound<'py, $crate::cmpxchg::CmpxchgResult>> {
                self.core.cmpxchg(py, false, expected, desired, success.or(succ), failure.or(fail))
            }
        }
    };
}
pub(crate) use value_methods;

/// One bit-modifying method (and its README alias).
macro_rules! bit_modify_method {
    ($cls:ident, $name:ident, $op:ident, $doc:literal) => {
        #[pyo3::pymethods]
        impl $cls {
            #[doc = $doc]
            #[pyo3(signature = (index, order=None))]
            fn $name(
                &self,
                py: pyo3::Python<'_>,
                index: &pyo3::Bound<'_, pyo3::PyAny>,
                order: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<bool> {
                self.core
                    .bit_modify(py, $crate::codes::OpCode::$op, index, order)
            }
        }
    };
}
pub(crate) use bit_modify_method;

/// One method with an operand that `Core::$via` carries out (`bin` for the `bin_*`
/// family, `arith` for arithmetic): the same signature and keywords for each.
macro_rules! operand_method {
    ($cls:ident, $via:ident, $name:ident, $op:ident, $doc:literal) => {
        #[pyo3::pymethods]
        impl $cls {
            #[doc = $doc]
            #[pyo3(signature = (value, order=None))]
            fn $name<'py>(
                &self,
                py: pyo3::Python<'py>,
                value: &pyo3::Bound<'py, pyo3::PyAny>,
                order: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            ) -> pyo3::PyResult<Option<pyo3::Bound<'py, pyo3::PyAny>>> {
                self.core.$via(py, $crate::codes::OpCode::$op, value, order)
            }
        }
    };
}
pub(crate) use operand_method;

/// `bit_test`, `bit_test_compl`/`_set`/`_reset` (and `bit_compl`/`bit_set`/`bit_reset`),
/// `bin_or`/`xor`/`and`/`not` and their `bin_fetch_*` forms.
macro_rules! bit_methods {
    ($cls:ident) => {
        #[pyo3::pymethods]
        impl $cls {
            /// Returns bit `index` (bit k is bit k % 8 of byte k // 8). `order`: a load
            /// order (`RELAXED`, `ACQUIRE`, `SEQ_CST`).
            #[pyo3(signature = (index, order=None))]
            fn bit_test(
                &self,
                py: pyo3::Python<'_>,
                index: &pyo3::Bound<'_, pyo3::PyAny>,
                order: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<bool> {
                self.core.bit_test(py, index, order)
            }

            /// Atomically inverts every bit.
            #[pyo3(signature = (order=None))]
            fn bin_not(
                &self,
                py: pyo3::Python<'_>,
                order: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<()> {
                self.core.bin_not(py, false, order).map(|_| ())
            }

            /// Atomically inverts every bit; returns the previous value.
            #[pyo3(signature = (order=None))]
            fn bin_fetch_not<'py>(
                &self,
                py: pyo3::Python<'py>,
                order: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            ) -> pyo3::PyResult<Option<pyo3::Bound<'py, pyo3::PyAny>>> {
                self.core.bin_not(py, true, order)
            }
        }
        $crate::methods::bit_modify_method!(
            $cls,
            bit_test_compl,
            BitTestCompl,
            "Flips bit `index`; returns its previous value."
        );
        $crate::methods::bit_modify_method!(
            $cls,
            bit_test_set,
            BitTestSet,
            "Sets bit `index`; returns its previous value."
        );
        $crate::methods::bit_modify_method!(
            $cls,
            bit_test_reset,
            BitTestReset,
            "Clears bit `index`; returns its previous value."
        );
        $crate::methods::bit_modify_method!(
            $cls,
            bit_compl,
            BitTestCompl,
            "`bit_test_compl` under the seed README's name."
        );
        $crate::methods::bit_modify_method!(
            $cls,
            bit_set,
            BitTestSet,
            "`bit_test_set` under the seed README's name."
        );
        $crate::methods::bit_modify_method!(
            $cls,
            bit_reset,
            BitTestReset,
            "`bit_test_reset` under the seed README's name."
        );
        $crate::methods::operand_method!($cls, bin, bin_or, Or, "Atomically ors `value` in.");
        $crate::methods::operand_method!($cls, bin, bin_xor, Xor, "Atomically xors `value` in.");
        $crate::methods::operand_method!($cls, bin, bin_and, And, "Atomically ands `value` in.");
        $crate::methods::operand_method!(
            $cls,
            bin,
            bin_fetch_or,
            FetchOr,
            "Atomically ors `value` in; returns the previous value."
        );
        $crate::methods::operand_method!(
            $cls,
            bin,
            bin_fetch_xor,
            FetchXor,
            "Atomically xors `value` in; returns the previous value."
        );
        $crate::methods::operand_method!(
            $cls,
            bin,
            bin_fetch_and,
            FetchAnd,
            "Atomically ands `value` in; returns the previous value."
        );
    };
}
pub(crate) use bit_methods;

/// `add`, `sub`, `neg` and `fetch_add`, `fetch_sub`, `fetch_neg`.
macro_rules! arith_methods {
    ($cls:ident) => {
        #[pyo3::pymethods]
        impl $cls {
            /// Atomically negates the value.
            #[pyo3(signature = (order=None))]
            fn neg(
                &self,
                py: pyo3::Python<'_>,
                order: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<()> {
                self.core.neg(py, false, order).map(|_| ())
            }

            /// Atomically negates the value; returns the previous value.
            #[pyo3(signature = (order=None))]
            fn fetch_neg<'py>(
                &self,
                py: pyo3::Python<'py>,
                order: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            ) -> pyo3::PyResult<Option<pyo3::Bound<'py, pyo3::PyAny>>> {
                self.core.neg(py, true, order)
            }
        }
        $crate::methods::operand_method!(
            $cls,
            arith,
            add,
            Add,
            "Atomically adds `value` (integers wrap)."
        );
        $crate::methods::operand_method!(
            $cls,
            arith,
            sub,
            Sub,
            "Atomically subtracts `value` (integers wrap)."
        );
        $crate::methods::operand_method!(
            $cls,
            arith,
            fetch_add,
            FetchAdd,
            "Atomically adds `value`; returns the previous value."
        );
        $crate::methods::operand_method!(
            $cls,
            arith,
            fetch_sub,
            FetchSub,
            "Atomically subtracts `value`; returns the previous value."
        );
    };
}
pub(crate) use arith_methods;

/// `inc`, `dec`, `fetch_inc`, `fetch_dec`, `signed` and `__int__`.
macro_rules! step_methods {
    ($cls:ident) => {
        #[pyo3::pymethods]
        impl $cls {
            /// Atomically adds one (wrapping).
            #[pyo3(signature = (order=None))]
            fn inc(
                &self,
                py: pyo3::Python<'_>,
                order: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<()> {
                self.core.inc(py, order)
            }

            /// Atomically subtracts one (wrapping).
            #[pyo3(signature = (order=None))]
            fn dec(
                &self,
                py: pyo3::Python<'_>,
                order: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<()> {
                self.core.dec(py, order)
            }

            /// Atomically adds one; returns the previous value.
            #[pyo3(signature = (order=None))]
            fn fetch_inc<'py>(
                &self,
                py: pyo3::Python<'py>,
                order: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.core.fetch_step(py, true, order)
            }

            /// Atomically subtracts one; returns the previous value.
            #[pyo3(signature = (order=None))]
            fn fetch_dec<'py>(
                &self,
                py: pyo3::Python<'py>,
                order: Option<&pyo3::Bound<'py, pyo3::PyAny>>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.core.fetch_step(py, false, order)
            }

            /// Whether arithmetic is signed.
            #[getter]
            fn signed(&self) -> pyo3::PyResult<bool> {
                self.core.keep.check()?;
                Ok(matches!(self.core.kind, shm_atomics_runtime::Kind::Int))
            }

            /// `int(a)` is `a.load()`.
            fn __int__<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.core.load(py, None)
            }
        }
    };
}
pub(crate) use step_methods;
