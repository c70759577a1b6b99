//! Order rules, written independently of the crate: which memory orders each kind of
//! operation accepts, and the error an `_explicit` call must return otherwise.

use shm_atomics_runtime::{Error, MemoryOrder, MemoryOrderError, OpType};

use MemoryOrder::{Acquire, Relaxed, Release, SeqCst};

pub fn load_ok(o: MemoryOrder) -> bool {
    matches!(o, Relaxed | Acquire | SeqCst)
}
pub fn store_ok(o: MemoryOrder) -> bool {
    matches!(o, Relaxed | Release | SeqCst)
}
pub fn rmw_ok(_: MemoryOrder) -> bool {
    true
}
/// Any load order is a valid failure order, whatever the success order (C++17, Rust 1.64).
pub fn fail_ok(_success: MemoryOrder, failure: MemoryOrder) -> bool {
    matches!(failure, Relaxed | Acquire | SeqCst)
}

pub fn order_err(op: OpType, order: MemoryOrder, is_fail: bool) -> Error {
    Error::MemoryOrder(MemoryOrderError { op, order, is_fail })
}

/// The error an `_explicit` call must return for `ord`, if any (`None` = plain method).
pub fn refused(ord: Option<MemoryOrder>, op: OpType, ok: fn(MemoryOrder) -> bool) -> Option<Error> {
    match ord {
        Some(o) if !ok(o) => Some(order_err(op, o, false)),
        _ => None,
    }
}
