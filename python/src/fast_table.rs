//! Which methods get a fast entry point ([`crate::fast`]), per capability, as
//! `methods.rs` declares them: the same names, slots and operations of `ops.rs`.

use pyo3::exceptions::PySystemError;
use pyo3::prelude::*;

/// A required slot (`parse` guarantees it is there).
#[inline(always)]
pub fn req<'a, 'py>(slot: Option<&'a Bound<'py, PyAny>>) -> PyResult<&'a Bound<'py, PyAny>> {
    slot.ok_or_else(|| PySystemError::new_err("shm_atomics: a required argument is missing"))
}

/// `load`, `store`, `exchange`, `cmpxchg_weak`, `cmpxchg_strong`.
macro_rules! fast_value {
    ($cls:ty) => {{
        use $crate::fast::{Kw, fast_method};
        use $crate::fast_table::req;
        const CMPXCHG: [Kw; 6] = [
            Kw::Expected,
            Kw::Desired,
            Kw::Success,
            Kw::Failure,
            Kw::Succ,
            Kw::Fail,
        ];
        vec![
            fast_method!($cls, c"load", load, [Kw::Order], 1, 0, |py, t, [o]| t
                .core
                .load(py, o)),
            fast_method!(
                $cls,
                c"store",
                store,
                [Kw::Desired, Kw::Order],
                2,
                1,
                |py, t, [d, o]| t.core.store(py, req(d)?, o)
            ),
            fast_method!(
                $cls,
                c"exchange",
                exchange,
                [Kw::Desired, Kw::Order],
                2,
                1,
                |py, t, [d, o]| t.core.exchange(py, req(d)?, o)
            ),
            fast_method!(
                $cls,
                c"cmpxchg_weak",
                cmpxchg_weak,
                CMPXCHG,
                4,
                2,
                |py, t, [e, d, s, f, su, fa]| t.core.cmpxchg(
                    py,
                    true,
                    req(e)?,
                    req(d)?,
                    s.or(su),
                    f.or(fa)
                )
            ),
            fast_method!(
                $cls,
                c"cmpxchg_strong",
                cmpxchg_strong,
                CMPXCHG,
                4,
                2,
                |py, t, [e, d, s, f, su, fa]| t.core.cmpxchg(
                    py,
                    false,
                    req(e)?,
                    req(d)?,
                    s.or(su),
                    f.or(fa)
                )
            ),
        ]
    }};
}
pub(crate) use fast_value;

/// The bit tests and `bin_*` operations.
macro_rules! fast_bit {
    ($cls:ty) => {{
        use $crate::codes::OpCode;
        use $crate::fast::{Kw, fast_method};
        use $crate::fast_table::req;
        const IO: [Kw; 2] = [Kw::Index, Kw::Order];
        const VO: [Kw; 2] = [Kw::Value, Kw::Order];
        vec![
            fast_method!($cls, c"bit_test", bit_test, IO, 2, 1, |py, t, [i, o]| t
                .core
                .bit_test(py, req(i)?, o)),
            fast_method!(
                $cls,
                c"bit_test_compl",
                bit_test_compl,
                IO,
                2,
                1,
                |py, t, [i, o]| t.core.bit_modify(py, OpCode::BitTestCompl, req(i)?, o)
            ),
            fast_method!(
                $cls,
                c"bit_test_set",
                bit_test_set,
                IO,
                2,
                1,
                |py, t, [i, o]| t.core.bit_modify(py, OpCode::BitTestSet, req(i)?, o)
            ),
            fast_method!(
                $cls,
                c"bit_test_reset",
                bit_test_reset,
                IO,
                2,
                1,
                |py, t, [i, o]| t.core.bit_modify(py, OpCode::BitTestReset, req(i)?, o)
            ),
            fast_method!(
                $cls,
                c"bit_compl",
                bit_test_compl,
                IO,
                2,
                1,
                |py, t, [i, o]| t.core.bit_modify(py, OpCode::BitTestCompl, req(i)?, o)
            ),
            fast_method!($cls, c"bit_set", bit_test_set, IO, 2, 1, |py, t, [i, o]| t
                .core
                .bit_modify(py, OpCode::BitTestSet, req(i)?, o)),
            fast_method!(
                $cls,
                c"bit_reset",
                bit_test_reset,
                IO,
                2,
                1,
                |py, t, [i, o]| t.core.bit_modify(py, OpCode::BitTestReset, req(i)?, o)
            ),
            fast_method!($cls, c"bin_or", bin_or, VO, 2, 1, |py, t, [v, o]| t
                .core
                .bin(py, OpCode::Or, req(v)?, o)),
            fast_method!($cls, c"bin_xor", bin_xor, VO, 2, 1, |py, t, [v, o]| t
                .core
                .bin(py, OpCode::Xor, req(v)?, o)),
            fast_method!($cls, c"bin_and", bin_and, VO, 2, 1, |py, t, [v, o]| t
                .core
                .bin(py, OpCode::And, req(v)?, o)),
            fast_method!(
                $cls,
                c"bin_fetch_or",
                bin_fetch_or,
                VO,
                2,
                1,
                |py, t, [v, o]| t.core.bin(py, OpCode::FetchOr, req(v)?, o)
            ),
            fast_method!(
                $cls,
                c"bin_fetch_xor",
                bin_fetch_xor,
                VO,
                2,
                1,
                |py, t, [v, o]| t.core.bin(py, OpCode::FetchXor, req(v)?, o)
            ),
            fast_method!(
                $cls,
                c"bin_fetch_and",
                bin_fetch_and,
                VO,
                2,
                1,
                |py, t, [v, o]| t.core.bin(py, OpCode::FetchAnd, req(v)?, o)
            ),
            fast_method!($cls, c"bin_not", none, [Kw::Order], 1, 0, |py, t, [o]| t
                .core
                .bin_not(py, false, o)
                .map(|_| ())),
            fast_method!(
                $cls,
                c"bin_fetch_not",
                none,
                [Kw::Order],
                1,
                0,
                |py, t, [o]| t.core.bin_not(py, true, o)
            ),
        ]
    }};
}
pub(crate) use fast_bit;

/// `add`, `sub`, `fetch_add`, `fetch_sub`, `neg`, `fetch_neg`.
macro_rules! fast_arith {
    ($cls:ty) => {{
        use $crate::codes::OpCode;
        use $crate::fast::{Kw, fast_method};
        use $crate::fast_table::req;
        const VO: [Kw; 2] = [Kw::Value, Kw::Order];
        vec![
            fast_method!($cls, c"add", add, VO, 2, 1, |py, t, [v, o]| t.core.arith(
                py,
                OpCode::Add,
                req(v)?,
                o
            )),
            fast_method!($cls, c"sub", sub, VO, 2, 1, |py, t, [v, o]| t.core.arith(
                py,
                OpCode::Sub,
                req(v)?,
                o
            )),
            fast_method!($cls, c"fetch_add", fetch_add, VO, 2, 1, |py, t, [v, o]| t
                .core
                .arith(py, OpCode::FetchAdd, req(v)?, o)),
            fast_method!($cls, c"fetch_sub", fetch_sub, VO, 2, 1, |py, t, [v, o]| t
                .core
                .arith(py, OpCode::FetchSub, req(v)?, o)),
            fast_method!($cls, c"neg", none, [Kw::Order], 1, 0, |py, t, [o]| t
                .core
                .neg(py, false, o)
                .map(|_| ())),
            fast_method!($cls, c"fetch_neg", none, [Kw::Order], 1, 0, |py, t, [o]| t
                .core
                .neg(py, true, o)),
        ]
    }};
}
pub(crate) use fast_arith;

/// `inc`, `dec`, `fetch_inc`, `fetch_dec`.
macro_rules! fast_step {
    ($cls:ty) => {{
        use $crate::fast::{Kw, fast_method};
        vec![
            fast_method!($cls, c"inc", inc, [Kw::Order], 1, 0, |py, t, [o]| t
                .core
                .inc(py, o)),
            fast_method!($cls, c"dec", dec, [Kw::Order], 1, 0, |py, t, [o]| t
                .core
                .dec(py, o)),
            fast_method!(
                $cls,
                c"fetch_inc",
                fetch_inc,
                [Kw::Order],
                1,
                0,
                |py, t, [o]| t.core.fetch_step(py, true, o)
            ),
            fast_method!(
                $cls,
                c"fetch_dec",
                fetch_dec,
                [Kw::Order],
                1,
                0,
                |py, t, [o]| t.core.fetch_step(py, false, o)
            ),
        ]
    }};
}
pub(crate) use fast_step;
