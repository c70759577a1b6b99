//! The `atomics` package's numbers (the package this one replaces, called "the seed" in
//! the README): its `OpType` codes ([`OpCode`], what `ops_supported` lists and errors
//! name), its `MemoryOrder` values ([`order_value`]) and the `order=` argument
//! ([`parse_order`]). Which operations a kind offers is the runtime's table
//! (`Kind::ops_supported`, `OpSet::READ_ONLY`); this module only numbers them.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use shm_atomics_runtime::{Kind, MemoryOrder, OpSet, OpType};

/// The `atomics` package's `OpType` codes (an `IntEnum` starting at 1, in its order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum OpCode {
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

impl OpCode {
    /// What an object of `kind` offers, sorted by code as the `atomics` package's
    /// `ops_supported`: the runtime's [`Kind::ops_supported`] (only its
    /// [`OpSet::READ_ONLY`] part when `readonly`), less the operations that have no code
    /// here (`update_*`).
    pub fn supported(kind: Kind, readonly: bool) -> Vec<OpCode> {
        let ops = if readonly {
            kind.ops_supported().intersection(OpSet::READ_ONLY)
        } else {
            kind.ops_supported()
        };
        let mut codes: Vec<OpCode> = ops.iter().filter_map(OpCode::of).collect();
        codes.sort_by_key(|&c| c as u8);
        codes
    }

    /// The code of a runtime operation; `None` for the runtime's `update_*`, which the
    /// `atomics` package does not have.
    pub fn of(op: OpType) -> Option<OpCode> {
        match op {
            OpType::Load => Some(OpCode::Load),
            OpType::Store => Some(OpCode::Store),
            OpType::Exchange => Some(OpCode::Exchange),
            OpType::CmpxchgWeak => Some(OpCode::CmpxchgWeak),
            OpType::CmpxchgStrong => Some(OpCode::CmpxchgStrong),
            OpType::BitTest => Some(OpCode::BitTest),
            OpType::BitCompl => Some(OpCode::BitTestCompl),
            OpType::BitSet => Some(OpCode::BitTestSet),
            OpType::BitReset => Some(OpCode::BitTestReset),
            OpType::BinOr => Some(OpCode::Or),
            OpType::BinXor => Some(OpCode::Xor),
            OpType::BinAnd => Some(OpCode::And),
            OpType::BinNot => Some(OpCode::Not),
            OpType::BinFetchOr => Some(OpCode::FetchOr),
            OpType::BinFetchXor => Some(OpCode::FetchXor),
            OpType::BinFetchAnd => Some(OpCode::FetchAnd),
            OpType::BinFetchNot => Some(OpCode::FetchNot),
            OpType::Add => Some(OpCode::Add),
            OpType::Sub => Some(OpCode::Sub),
            OpType::Inc => Some(OpCode::Inc),
            OpType::Dec => Some(OpCode::Dec),
            OpType::Neg => Some(OpCode::Neg),
            OpType::FetchAdd => Some(OpCode::FetchAdd),
            OpType::FetchSub => Some(OpCode::FetchSub),
            OpType::FetchInc => Some(OpCode::FetchInc),
            OpType::FetchDec => Some(OpCode::FetchDec),
            OpType::FetchNeg => Some(OpCode::FetchNeg),
            _ => None,
        }
    }
}

/// The `atomics` package's `MemoryOrder` value of a runtime order (1, CONSUME, is
/// skipped).
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
#[inline(always)]
pub fn parse_order(order: Option<&Bound<'_, PyAny>>) -> PyResult<MemoryOrder> {
    // The default (no order, or None) inline: every call pays this check.
    match order {
        Some(order) if !order.is_none() => parse_given_order(order),
        _ => Ok(MemoryOrder::SeqCst),
    }
}

/// [`parse_order`] of an order given (not `None`).
#[inline(never)]
fn parse_given_order(order: &Bound<'_, PyAny>) -> PyResult<MemoryOrder> {
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
