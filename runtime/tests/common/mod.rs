//! Helpers shared by the dynamic API's test targets (`dynamic`, `dynamic_ops`,
//! `dynamic_model`): the widths and atypes, an aligned buffer, error predicates, a call of
//! any operation by its `OpType`, an expected-value constructor, and the property tests'
//! case count.
#![allow(dead_code)]

use shm_atomics_runtime::{AType, DynAtomicView, DynValue, Error, Kind, OpType, Operand, atomic};

pub const WIDTHS: [usize; 5] = [1, 2, 4, 8, 16];

/// The integer of `width` bytes whose memory holds exactly bit `k` (bit `k % 8` of byte
/// `k / 8`, the runtime's bit numbering): `1 << k` on a little-endian target; on a
/// big-endian one byte `k / 8` is the value's byte `width - 1 - k / 8` from the bottom.
/// Cast the result to the integer type (`as u32`, `as i16`, ...).
pub fn mem_bit(width: usize, k: u32) -> u128 {
    let bytes = width as u32;
    assert!(k < 8 * bytes, "bit {k} of {width} bytes");
    if cfg!(target_endian = "little") {
        1 << k
    } else {
        1 << ((bytes - 1 - k / 8) * 8 + k % 8)
    }
}
pub const ATYPES: [AType; 3] = [AType::Int, AType::Uint, AType::Bytes];

#[repr(C, align(16))]
pub struct Buf(pub [u8; 64]);

pub fn is_operand_err(r: Result<impl core::fmt::Debug, Error>) -> bool {
    matches!(r, Err(Error::Operand(_)))
}

pub fn unsupported(r: Result<impl core::fmt::Debug, Error>, op: OpType, readonly: bool) -> bool {
    matches!(r, Err(Error::UnsupportedOperation(e)) if e.op == op && e.readonly == readonly)
}

pub fn order_err(r: Result<impl core::fmt::Debug, Error>) -> bool {
    matches!(r, Err(Error::MemoryOrder(_)))
}

/// Calls `op` with operand `v` (both operands of a compare-exchange are `v`).
pub fn call(a: &DynAtomicView<'_>, op: OpType, v: Operand) -> Result<(), Error> {
    use OpType::*;
    match op {
        Load => a.load().map(drop),
        Store => a.store(v),
        Exchange => a.exchange(v).map(drop),
        CmpxchgWeak => a.cmpxchg_weak(v, v).map(drop),
        CmpxchgStrong => a.cmpxchg_strong(v, v).map(drop),
        UpdateFetch => a.update_fetch(|x| x).and(a.fetch_update(|x| x)).map(drop),
        UpdateVals => a.update_vals(|x| x).map(drop),
        BitTest => a.bit_test(0).map(drop),
        BitCompl => a.bit_compl(0).map(drop),
        BitSet => a.bit_set(0).map(drop),
        BitReset => a.bit_reset(0).map(drop),
        BinOr => a.bin_or(v),
        BinXor => a.bin_xor(v),
        BinAnd => a.bin_and(v),
        BinNot => a.bin_not(),
        BinFetchOr => a.bin_fetch_or(v).map(drop),
        BinFetchXor => a.bin_fetch_xor(v).map(drop),
        BinFetchAnd => a.bin_fetch_and(v).map(drop),
        BinFetchNot => a.bin_fetch_not().map(drop),
        Add => a.add(v),
        Sub => a.sub(v),
        Inc => a.inc(),
        Dec => a.dec(),
        Neg => a.neg(),
        FetchAdd => a.fetch_add(v).map(drop),
        FetchSub => a.fetch_sub(v).map(drop),
        FetchInc => a.fetch_inc().map(drop),
        FetchDec => a.fetch_dec().map(drop),
        FetchNeg => a.fetch_neg().map(drop),
        other => panic!("operation {other} not covered by this test"),
    }
}

/// An operand that fits every width of `kind`.
pub fn operand_for(kind: Kind, width: usize) -> Operand {
    match kind {
        Kind::Int | Kind::Uint => Operand::from(1u8),
        Kind::Bytes => Operand::from(&[0u8; 16][..width]),
        Kind::Bool => Operand::from(true),
        Kind::Float => Operand::from(1.0f32),
    }
}

/// Every kind and width a dynamic atomic accepts.
pub fn kinds_and_widths() -> Vec<(Kind, usize)> {
    let mut v = Vec::new();
    for kind in [Kind::Int, Kind::Uint, Kind::Bytes] {
        for w in WIDTHS {
            v.push((kind, w));
        }
    }
    v.extend([(Kind::Bool, 1), (Kind::Float, 4), (Kind::Float, 8)]);
    v
}

/// Test-only constructor of expected values.
pub trait FromI {
    fn from_i(v: i128, width: usize) -> DynValue;
}

impl FromI for DynValue {
    fn from_i(v: i128, width: usize) -> DynValue {
        let a = atomic(width, AType::Int).unwrap();
        a.store(v).unwrap();
        a.load().unwrap()
    }
}

/// Whether the running CPU loads `width` bytes without writing (the runtime's
/// [`Width::has_write_free_load`](shm_atomics_runtime::Width::has_write_free_load)), so a
/// read-only view of that width exists here.
pub fn write_free(width: usize) -> bool {
    shm_atomics_runtime::Width::from_bytes(width)
        .expect("a test width")
        .has_write_free_load()
}

/// Whether atomics of `width` bytes are lock-free here, so a view of that width exists
/// (the runtime's [`Width::is_lock_free`](shm_atomics_runtime::Width::is_lock_free): 16
/// bytes are not on 32-bit targets).
pub fn lock_free(width: usize) -> bool {
    shm_atomics_runtime::Width::from_bytes(width)
        .expect("a test width")
        .is_lock_free()
}

/// Asserts that `view` is refused as `UnsupportedWidth { width, reason }`, with a message
/// that contains `says`.
fn assert_refused<V: core::fmt::Debug>(
    view: Result<V, Error>,
    width: usize,
    reason: shm_atomics_runtime::WidthReason,
    says: &str,
) {
    use shm_atomics_runtime::UnsupportedWidth;
    match view {
        Err(
            ref e @ Error::UnsupportedWidth(UnsupportedWidth {
                width: w,
                reason: r,
            }),
        ) if w == width && r == reason => {
            assert!(e.to_string().contains(says), "{e}");
        }
        other => panic!("a {width}-byte view must be refused with {reason:?} here; got {other:?}"),
    }
}

/// A view of `width` bytes where atomics of that width are lock-free; where they are not,
/// asserts that the view is refused for exactly that reason (`UnsupportedWidth { width,
/// reason: NotLockFree }`, with a message saying so) and returns `None`, so a test covers
/// both the view and the refusal on every target.
pub fn view_or_not_lock_free<V: core::fmt::Debug>(
    view: Result<V, Error>,
    width: usize,
) -> Option<V> {
    if lock_free(width) {
        return Some(view.unwrap_or_else(|e| panic!("view of {width} bytes: {e}")));
    }
    use shm_atomics_runtime::WidthReason::NotLockFree;
    assert_refused(view, width, NotLockFree, "not lock-free");
    None
}

/// A read-only view of `width` bytes where the CPU has a write-free load; where it has
/// none, asserts that the view is refused for exactly that reason
/// (`UnsupportedWidth { width, reason: NoWriteFreeLoad }`, with a message saying so, or
/// `NotLockFree` where the width has no lock-free atomic at all) and returns `None`, so a
/// test covers both the view and the refusal on every target.
pub fn readonly_view_or_refusal<'a>(
    view: Result<DynAtomicView<'a>, Error>,
    width: usize,
) -> Option<DynAtomicView<'a>> {
    if !lock_free(width) {
        return view_or_not_lock_free(view, width);
    }
    if write_free(width) {
        return Some(view.unwrap_or_else(|e| panic!("read-only view of {width} bytes: {e}")));
    }
    use shm_atomics_runtime::WidthReason::NoWriteFreeLoad;
    assert_refused(view, width, NoWriteFreeLoad, "read-only");
    None
}

/// How many cases a property test runs: `n`, or fewer when the `PROPTEST_CASES`
/// environment variable asks for fewer (scripts/test-emulated.sh does, under qemu-user,
/// where every case costs tens of times more; the native run keeps `n`).
pub fn proptest_cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(n, |m| m.clamp(1, n))
}
