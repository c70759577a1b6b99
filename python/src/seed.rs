//! The seed's vocabulary on the Python side: its `OpType` codes, `MemoryOrder` values and
//! exception classes (defined in Python, `shm_atomics/_impl/`, imported once and cached),
//! and the translation of the runtime's errors into them.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use shm_atomics_runtime::{Error, MemoryOrder, OpType};

/// The seed's `OpType` values (an `IntEnum` starting at 1, in the seed's order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum SeedOp {
    Store = 1,
    Load,
    Exchange,
    CmpxchgWeak,
    CmpxchgStrong,
    BitTest,
    BitTestCompl,
    BitTestSet,
    BitTestReset,
    Or,
    Xor,
    And,
    Not,
    FetchOr,
    FetchXor,
    FetchAnd,
    FetchNot,
    Add,
    Sub,
    Inc,
    Dec,
    Neg,
    FetchAdd,
    FetchSub,
    FetchInc,
    FetchDec,
    FetchNeg,
}

impl SeedOp {
    /// Every operation, in code order.
    pub const ALL: [SeedOp; 27] = [
        SeedOp::Store,
        SeedOp::Load,
        SeedOp::Exchange,
        SeedOp::CmpxchgWeak,
        SeedOp::CmpxchgStrong,
        SeedOp::BitTest,
        SeedOp::BitTestCompl,
        SeedOp::BitTestSet,
        SeedOp::BitTestReset,
        SeedOp::Or,
        SeedOp::Xor,
        SeedOp::And,
        SeedOp::Not,
        SeedOp::FetchOr,
        SeedOp::FetchXor,
        SeedOp::FetchAnd,
        SeedOp::FetchNot,
        SeedOp::Add,
        SeedOp::Sub,
        SeedOp::Inc,
        SeedOp::Dec,
        SeedOp::Neg,
        SeedOp::FetchAdd,
        SeedOp::FetchSub,
        SeedOp::FetchInc,
        SeedOp::FetchDec,
        SeedOp::FetchNeg,
    ];

    /// What an object of `kind` offers (only `LOAD` and, with bits, `BIT_TEST` when
    /// read-only), sorted by code as the seed's `ops_supported`.
    pub fn supported(kind: shm_atomics_runtime::Kind, readonly: bool) -> Vec<SeedOp> {
        use shm_atomics_runtime::Kind;
        let float = matches!(kind, Kind::Float);
        let bits = !float;
        let arith = matches!(kind, Kind::Int | Kind::Uint);
        SeedOp::ALL
            .into_iter()
            .filter(|&op| {
                let code = op as u8;
                if readonly {
                    return op == SeedOp::Load || (bits && op == SeedOp::BitTest);
                }
                match code {
                    1..=5 => true,
                    6..=17 => bits,
                    _ if arith => true,
                    _ => {
                        float
                            && matches!(
                                op,
                                SeedOp::Add
                                    | SeedOp::Sub
                                    | SeedOp::Neg
                                    | SeedOp::FetchAdd
                                    | SeedOp::FetchSub
                                    | SeedOp::FetchNeg
                            )
                    }
                }
            })
            .collect()
    }

    /// The seed's code of a runtime operation (the ones an error can name).
    pub fn of(op: OpType) -> SeedOp {
        match op {
            OpType::Load => SeedOp::Load,
            OpType::Store => SeedOp::Store,
            OpType::Exchange => SeedOp::Exchange,
            OpType::CmpxchgWeak => SeedOp::CmpxchgWeak,
            OpType::CmpxchgStrong => SeedOp::CmpxchgStrong,
            OpType::BitTest => SeedOp::BitTest,
            OpType::BitCompl => SeedOp::BitTestCompl,
            OpType::BitSet => SeedOp::BitTestSet,
            OpType::BitReset => SeedOp::BitTestReset,
            OpType::BinOr => SeedOp::Or,
            OpType::BinXor => SeedOp::Xor,
            OpType::BinAnd => SeedOp::And,
            OpType::BinNot => SeedOp::Not,
            OpType::BinFetchOr => SeedOp::FetchOr,
            OpType::BinFetchXor => SeedOp::FetchXor,
            OpType::BinFetchAnd => SeedOp::FetchAnd,
            OpType::BinFetchNot => SeedOp::FetchNot,
            OpType::Add => SeedOp::Add,
            OpType::Sub => SeedOp::Sub,
            OpType::Inc => SeedOp::Inc,
            OpType::Dec => SeedOp::Dec,
            OpType::Neg => SeedOp::Neg,
            OpType::FetchAdd => SeedOp::FetchAdd,
            OpType::FetchSub => SeedOp::FetchSub,
            OpType::FetchInc => SeedOp::FetchInc,
            OpType::FetchDec => SeedOp::FetchDec,
            // FetchNeg, and the runtime's update_* (no seed code: never in an error here).
            _ => SeedOp::FetchNeg,
        }
    }
}

/// The seed's `MemoryOrder` value of a runtime order (the seed skips 1, CONSUME).
pub fn order_value(o: MemoryOrder) -> u8 {
    match o {
        MemoryOrder::Relaxed => 0,
        MemoryOrder::Acquire => 2,
        MemoryOrder::Release => 3,
        MemoryOrder::AcqRel => 4,
        _ => 5,
    }
}

/// The `order=` argument: omitted or `None` is `SEQ_CST`; a `MemoryOrder` (or its int).
#[inline]
pub fn parse_order(order: Option<&Bound<'_, PyAny>>) -> PyResult<MemoryOrder> {
    let Some(order) = order else {
        return Ok(MemoryOrder::SeqCst);
    };
    if order.is_none() {
        return Ok(MemoryOrder::SeqCst);
    }
    let v: i64 = order
        .extract()
        .map_err(|_| PyTypeError::new_err("memory order must be a MemoryOrder"))?;
    Ok(match v {
        0 => MemoryOrder::Relaxed,
        2 => MemoryOrder::Acquire,
        3 => MemoryOrder::Release,
        4 => MemoryOrder::AcqRel,
        5 => MemoryOrder::SeqCst,
        _ => {
            return Err(PyValueError::new_err(format!(
                "{v} is not a MemoryOrder (RELAXED=0, ACQUIRE=2, RELEASE=3, ACQ_REL=4, SEQ_CST=5)"
            )));
        }
    })
}

/// The Python objects of `shm_atomics._impl`, imported on first use.
struct Cached {
    op_types: Vec<Py<PyAny>>,
    orders: Vec<Py<PyAny>>,
    alignment_error: Py<PyAny>,
    memory_order_error: Py<PyAny>,
    unsupported_width: Py<PyAny>,
    unsupported_operation: Py<PyAny>,
}

static CACHED: PyOnceLock<Cached> = PyOnceLock::new();

fn cached(py: Python<'_>) -> PyResult<&'static Cached> {
    CACHED.get_or_try_init(py, || {
        let enums = py.import("shm_atomics._impl.enums")?;
        let exc = py.import("shm_atomics._impl.exceptions")?;
        let op_type = enums.getattr("OpType")?;
        let memory_order = enums.getattr("MemoryOrder")?;
        let mut op_types = vec![py.None()];
        for code in 1..=SeedOp::FetchNeg as u8 {
            op_types.push(op_type.call1((code,))?.unbind());
        }
        let mut orders = Vec::new();
        for v in 0..=5u8 {
            orders.push(match v {
                1 => py.None(),
                v => memory_order.call1((v,))?.unbind(),
            });
        }
        Ok(Cached {
            op_types,
            orders,
            alignment_error: exc.getattr("AlignmentError")?.unbind(),
            memory_order_error: exc.getattr("MemoryOrderError")?.unbind(),
            unsupported_width: exc.getattr("UnsupportedWidthException")?.unbind(),
            unsupported_operation: exc.getattr("UnsupportedOperationException")?.unbind(),
        })
    })
}

/// The seed's `OpType` members with these codes, as a list (for `ops_supported`).
pub fn op_type_list<'py>(py: Python<'py>, codes: &[SeedOp]) -> PyResult<Bound<'py, PyAny>> {
    let c = cached(py)?;
    let items: Vec<&Py<PyAny>> = codes.iter().map(|&op| &c.op_types[op as usize]).collect();
    Ok(pyo3::types::PyList::new(py, items)?.into_any())
}

/// Builds an exception object by calling its class, or the error that building it raised.
fn build<'py>(
    py: Python<'py>,
    class: impl FnOnce(&Cached) -> &Py<PyAny>,
    args: impl FnOnce(&Cached) -> PyResult<Bound<'py, pyo3::types::PyTuple>>,
    kwarg: (&str, bool),
) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let c = cached(py)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item(kwarg.0, kwarg.1)?;
        let e = class(c).bind(py).call(args(c)?, Some(&kwargs))?;
        Ok(PyErr::from_value(e))
    })();
    made.unwrap_or_else(|e| e)
}

/// `UnsupportedOperationException(optype, width, readonly=..)`.
pub fn unsupported_operation(py: Python<'_>, op: SeedOp, width: usize, readonly: bool) -> PyErr {
    build(
        py,
        |c| &c.unsupported_operation,
        |c| (c.op_types[op as usize].clone_ref(py), width).into_pyobject(py),
        ("readonly", readonly),
    )
}

/// `UnsupportedWidthException(width, readonly=..)`.
pub fn unsupported_width(py: Python<'_>, width: usize, readonly: bool) -> PyErr {
    build(
        py,
        |c| &c.unsupported_width,
        |_| (width,).into_pyobject(py),
        ("readonly", readonly),
    )
}

/// `AlignmentError(width, address, using_recommended=True)`.
pub fn alignment_error(py: Python<'_>, width: usize, address: usize) -> PyErr {
    build(
        py,
        |c| &c.alignment_error,
        |_| (width, address).into_pyobject(py),
        ("using_recommended", true),
    )
}

/// `MemoryOrderError(optype, order, is_fail=..)`.
pub fn memory_order_error(py: Python<'_>, op: SeedOp, order: MemoryOrder, is_fail: bool) -> PyErr {
    build(
        py,
        |c| &c.memory_order_error,
        |c| {
            (
                c.op_types[op as usize].clone_ref(py),
                c.orders[order_value(order) as usize].clone_ref(py),
            )
                .into_pyobject(py)
        },
        ("is_fail", is_fail),
    )
}

/// The seed's exception for a runtime error (`width` and `readonly` of the object).
pub fn runtime_error(py: Python<'_>, e: Error, width: usize, readonly: bool) -> PyErr {
    match e {
        Error::MemoryOrder(e) => memory_order_error(py, SeedOp::of(e.op), e.order, e.is_fail),
        Error::UnsupportedOperation(e) => {
            unsupported_operation(py, SeedOp::of(e.op), width, e.readonly || readonly)
        }
        Error::UnsupportedWidth(e) => unsupported_width(py, e.width, readonly),
        Error::Alignment(e) => alignment_error(py, e.width, e.addr),
        Error::BitIndex(_) => PyValueError::new_err("'index' value out of range."),
        e => PyValueError::new_err(e.to_string()),
    }
}
