//! The seed's operations on a [`Core`], written once per capability and instantiated
//! per cell kind: `value_ops!` (load, store, exchange, compare-exchange: every kind),
//! `bit_ops!` (bit_* and bin_*: integers, bytes, bool), `arith_ops!` (add, sub, neg and
//! their fetch forms: integers, floats) and `step_ops!` (inc, dec: integers).
//!
//! Each operation checks the memory is alive (and writable, for writes), converts the
//! operands, runs the runtime's typed operation with the order (validated by the
//! runtime), and converts the result. No allocation besides the result object.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::cells::{
    BoolCell, BytesCell, Cell, Core, FloatCell, IntCell, bool_dispatch, bytes_dispatch,
    float_dispatch, int_dispatch,
};
use crate::cmpxchg::CmpxchgResult;
use crate::codes::{OpCode, parse_order};
use crate::errors::memory_order_error;
use crate::values::{PyValue, dyn_to_py};

/// An optional argument.
type Arg<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

/// A bit index in range for `width` bytes, or the seed's `ValueError`.
fn bit_index(index: &Bound<'_, PyAny>, width: usize) -> PyResult<u32> {
    let i: i64 = index.extract()?;
    if i < 0 || i >= (width as i64) * 8 {
        return Err(PyValueError::new_err("'index' value out of range."));
    }
    Ok(i as u32)
}

macro_rules! value_ops {
    ($cell:ty, $dispatch:ident) => {
        impl Core<$cell> {
            /// `load(order)`.
            #[inline(always)]
            pub fn load<'py>(&self, py: Python<'py>, order: Arg<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
                let o = parse_order(order)?;
                match self.live()? {
                    Cell::Rw(c) => $dispatch!(*c, a => a.load_explicit(o).map_err(|e| self.err(py, e))?.to_py(py)),
                    Cell::Ro(v) => {
                        let d = v.load_explicit(o).map_err(|e| self.err(py, e))?;
                        dyn_to_py(py, &d, self.kind)
                    }
                }
            }

            /// `store(desired, order)`: the order is checked before the operand's length
            /// (the seed's order for bytes).
            #[inline(always)]
            pub fn store(&self, py: Python<'_>, desired: &Bound<'_, PyAny>, order: Arg<'_, '_>) -> PyResult<()> {
                let c = self.rw(py, OpCode::Store)?;
                let o = parse_order(order)?;
                if !o.is_valid_store_order() {
                    return Err(memory_order_error(py, OpCode::Store, o, false));
                }
                $dispatch!(c, a => a.store_explicit(PyValue::from_py(desired, "desired")?, o).map_err(|e| self.err(py, e)))
            }

            /// `exchange(desired, order)`.
            #[inline(always)]
            pub fn exchange<'py>(&self, py: Python<'py>, desired: &Bound<'py, PyAny>, order: Arg<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.rw(py, OpCode::Exchange)?;
                let o = parse_order(order)?;
                $dispatch!(c, a => a.exchange_explicit(PyValue::from_py(desired, "desired")?, o).to_py(py))
            }

            /// `cmpxchg_weak`/`cmpxchg_strong(expected, desired, success, failure)`. Never
            /// writes into `expected` (a new object holds what was found).
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            pub fn cmpxchg<'py>(
                &self,
                py: Python<'py>,
                weak: bool,
                expected: &Bound<'py, PyAny>,
                desired: &Bound<'py, PyAny>,
                success: Arg<'_, 'py>,
                failure: Arg<'_, 'py>,
            ) -> PyResult<Bound<'py, CmpxchgResult>> {
                let op = if weak { OpCode::CmpxchgWeak } else { OpCode::CmpxchgStrong };
                let c = self.rw(py, op)?;
                // No orders given (the usual call): the SeqCst operation, without the
                // runtime's order checks.
                let default = success.is_none_or(|o| o.is_none()) && failure.is_none_or(|o| o.is_none());
                let s = parse_order(success)?;
                let f = parse_order(failure)?;
                $dispatch!(c, a => {
                    let e = PyValue::from_py(expected, "expected")?;
                    let d = PyValue::from_py(desired, "desired")?;
                    let r = match (default, weak) {
                        (true, true) => a.cmpxchg_weak(e, d),
                        (true, false) => a.cmpxchg_strong(e, d),
                        (false, true) => a.cmpxchg_weak_explicit(e, d, s, f).map_err(|e| self.err(py, e))?,
                        (false, false) => a.cmpxchg_strong_explicit(e, d, s, f).map_err(|e| self.err(py, e))?,
                    };
                    CmpxchgResult::give(py, r.success, r.expected.to_py(py)?)
                })
            }
        }
    };
}

macro_rules! bit_ops {
    ($cell:ty, $dispatch:ident) => {
        impl Core<$cell> {
            /// `bit_test(index, order)`: a load order (the seed checked a store order).
            #[inline(always)]
            pub fn bit_test(&self, py: Python<'_>, index: &Bound<'_, PyAny>, order: Arg<'_, '_>) -> PyResult<bool> {
                let o = parse_order(order)?;
                let bit = bit_index(index, self.width)?;
                match self.live()? {
                    Cell::Rw(c) => $dispatch!(*c, a => a.bit_test_explicit(bit, o)),
                    Cell::Ro(v) => v.bit_test_explicit(bit, o),
                }
                .map_err(|e| self.err(py, e))
            }

            /// `bit_test_compl`/`_set`/`_reset(index, order)`: the previous bit.
            #[inline(always)]
            pub fn bit_modify(&self, py: Python<'_>, op: OpCode, index: &Bound<'_, PyAny>, order: Arg<'_, '_>) -> PyResult<bool> {
                let c = self.rw(py, op)?;
                let o = parse_order(order)?;
                let bit = bit_index(index, self.width)?;
                $dispatch!(c, a => match op {
                    OpCode::BitTestSet => a.bit_set_explicit(bit, o),
                    OpCode::BitTestReset => a.bit_reset_explicit(bit, o),
                    _ => a.bit_compl_explicit(bit, o),
                })
                .map_err(|e| self.err(py, e))
            }

            /// `bin_or`/`bin_xor`/`bin_and(value, order)` and their `bin_fetch_*` forms
            /// (which return the previous value; the others return `None`).
            #[inline(always)]
            pub fn bin<'py>(&self, py: Python<'py>, op: OpCode, value: &Bound<'py, PyAny>, order: Arg<'_, 'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                let c = self.rw(py, op)?;
                let o = parse_order(order)?;
                $dispatch!(c, a => {
                    let v = PyValue::from_py(value, "value")?;
                    match op {
                        OpCode::Or => { a.bin_or_explicit(v, o); Ok(None) }
                        OpCode::Xor => { a.bin_xor_explicit(v, o); Ok(None) }
                        OpCode::And => { a.bin_and_explicit(v, o); Ok(None) }
                        OpCode::FetchOr => a.bin_fetch_or_explicit(v, o).to_py(py).map(Some),
                        OpCode::FetchXor => a.bin_fetch_xor_explicit(v, o).to_py(py).map(Some),
                        _ => a.bin_fetch_and_explicit(v, o).to_py(py).map(Some),
                    }
                })
            }

            /// `bin_not(order)` (`None`) and `bin_fetch_not(order)` (the previous value).
            #[inline(always)]
            pub fn bin_not<'py>(&self, py: Python<'py>, fetch: bool, order: Arg<'_, 'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                let op = if fetch { OpCode::FetchNot } else { OpCode::Not };
                let c = self.rw(py, op)?;
                let o = parse_order(order)?;
                $dispatch!(c, a => if fetch {
                    a.bin_fetch_not_explicit(o).to_py(py).map(Some)
                } else {
                    a.bin_not_explicit(o);
                    Ok(None)
                })
            }
        }
    };
}

macro_rules! arith_ops {
    ($cell:ty, $dispatch:ident) => {
        impl Core<$cell> {
            /// `add`/`sub(value, order)` (`None`) and `fetch_add`/`fetch_sub` (previous).
            #[inline(always)]
            pub fn arith<'py>(&self, py: Python<'py>, op: OpCode, value: &Bound<'py, PyAny>, order: Arg<'_, 'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                let c = self.rw(py, op)?;
                let o = parse_order(order)?;
                $dispatch!(c, a => {
                    let v = PyValue::from_py(value, "value")?;
                    match op {
                        OpCode::Add => { a.add_explicit(v, o); Ok(None) }
                        OpCode::Sub => { a.sub_explicit(v, o); Ok(None) }
                        OpCode::FetchAdd => a.fetch_add_explicit(v, o).to_py(py).map(Some),
                        _ => a.fetch_sub_explicit(v, o).to_py(py).map(Some),
                    }
                })
            }

            /// `neg(order)` (`None`) and `fetch_neg(order)` (previous).
            #[inline(always)]
            pub fn neg<'py>(&self, py: Python<'py>, fetch: bool, order: Arg<'_, 'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                let op = if fetch { OpCode::FetchNeg } else { OpCode::Neg };
                let c = self.rw(py, op)?;
                let o = parse_order(order)?;
                $dispatch!(c, a => if fetch {
                    a.fetch_neg_explicit(o).to_py(py).map(Some)
                } else {
                    a.neg_explicit(o);
                    Ok(None)
                })
            }
        }
    };
}

value_ops!(IntCell, int_dispatch);
value_ops!(BytesCell, bytes_dispatch);
value_ops!(FloatCell, float_dispatch);
value_ops!(BoolCell, bool_dispatch);
bit_ops!(IntCell, int_dispatch);
bit_ops!(BytesCell, bytes_dispatch);
bit_ops!(BoolCell, bool_dispatch);
arith_ops!(IntCell, int_dispatch);
arith_ops!(FloatCell, float_dispatch);

impl Core<IntCell> {
    /// `inc(order)`: add one (wrapping).
    #[inline(always)]
    pub fn inc(&self, py: Python<'_>, order: Arg<'_, '_>) -> PyResult<()> {
        let c = self.rw(py, OpCode::Inc)?;
        let o = parse_order(order)?;
        int_dispatch!(c, a => a.inc_explicit(o));
        Ok(())
    }

    /// `dec(order)`: subtract one (wrapping).
    #[inline(always)]
    pub fn dec(&self, py: Python<'_>, order: Arg<'_, '_>) -> PyResult<()> {
        let c = self.rw(py, OpCode::Dec)?;
        let o = parse_order(order)?;
        int_dispatch!(c, a => a.dec_explicit(o));
        Ok(())
    }

    /// `fetch_inc(order)` / `fetch_dec(order)`: the previous value.
    #[inline(always)]
    pub fn fetch_step<'py>(
        &self,
        py: Python<'py>,
        up: bool,
        order: Arg<'_, 'py>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op = if up {
            OpCode::FetchInc
        } else {
            OpCode::FetchDec
        };
        let c = self.rw(py, op)?;
        let o = parse_order(order)?;
        int_dispatch!(c, a => if up { a.fetch_inc_explicit(o) } else { a.fetch_dec_explicit(o) }.to_py(py))
    }
}
