//! Direct paths for integer cells: the usual call of a hot operation of an integer class
//! (`a.fetch_add(1)`, `a.load()`, `a.cmpxchg_strong(5, 6)`: positional operands that are
//! exact `int`s in range, no order; `cmpxchg`'s two operands also by keyword) done with
//! the C API alone, in a few dozen machine instructions ([`Direct`]). Any other call is
//! passed, before memory is touched or anything raised, to the entry point's general
//! path ([`crate::fast`]), which gives the results and errors of `methods.rs`. So a
//! direct path decides no error (but `MemoryError` for its result, as the general path).
//!
//! What a direct path does is what the general one does for such a call: check the
//! memory is alive and writable ([`crate::cells::Core`]'s `gone` and `rw`), convert the
//! operands (`PyLong_AsSsize_t`/`PyLong_AsSize_t`, on an exact `int` only, so no
//! `__index__` runs: [`crate::capi`]), run the runtime's `SeqCst` operation, and convert
//! the result (`PyLong_FromUnsignedLongLong`, or `PyLong_FromLongLong` below zero).
//!
//! No panic: these functions run under no `catch_unwind`, so they use no operation that
//! can panic (no indexing, `unwrap`, arithmetic that overflow-checks, nor PyO3 wrappers
//! that check for null: `Borrowed::from_ptr_or_opt`). The built module's disassembly
//! shows no call to a panic function in them; the entry points are `extern "C"`, so a
//! panic would abort rather than unwind into C. `python/tests/test_fast_direct.py` covers
//! each path's refusals.

use std::ptr::null_mut;

use pyo3::PyClass;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::True;
use std::sync::atomic::Ordering;

use shm_atomics_runtime::{Atomic, Integer};

use crate::capi::{FastInt, boolean, none};
use crate::cells::{Core, IntCell};
use crate::cmpxchg::CmpxchgResult;
use crate::fast::{Kw, interned};

/// A vectorcall's arguments: `self`, the positional and keyword values, their number, the
/// keyword names (null or a tuple of str).
type Args = (
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
);

/// What a direct path returns: `Some` of the call's result (a new reference, or null with
/// the error raised after the operation ran), `None` for a call left to the general path
/// (nothing done, nothing raised).
pub type Taken = Option<*mut ffi::PyObject>;

/// The general path of an entry point: every call, as `methods.rs` takes it (the
/// arguments one by one: a tuple would be passed through memory).
pub type General = unsafe fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// Calls `general` with `call`.
///
/// # Safety
///
/// The contract of `general`.
#[inline(always)]
unsafe fn pass(general: General, (slf, args, nargs, kwnames): Args) -> *mut ffi::PyObject {
    // SAFETY: the contract.
    unsafe { general(slf, args, nargs, kwnames) }
}

/// The direct paths of a class's hot operations, one per operation: each returns the
/// call's result, taking the call itself or passing it to `general` unchanged. Only the
/// general path unless the class overrides it (integer classes do: [`int_direct`]).
///
/// # Safety
///
/// Every method: called by a `METH_FASTCALL | METH_KEYWORDS` entry point of the class
/// with its arguments (`self` an instance of the class, the vectorcall convention, the
/// GIL held) and its general path.
macro_rules! direct_trait {
    ($($op:ident)*) => {
        #[allow(missing_docs, clippy::missing_safety_doc)]
        pub trait Direct {
            $(
                #[inline(always)]
                unsafe fn $op(call: Args, general: General) -> *mut ffi::PyObject {
                    // SAFETY: the contract, passed on.
                    unsafe { pass(general, call) }
                }
            )*
        }
    };
}
direct_trait!(none load store exchange cmpxchg_weak cmpxchg_strong bit_test bit_test_set
    bit_test_reset bit_test_compl bin_or bin_xor bin_and bin_fetch_or bin_fetch_xor
    bin_fetch_and add sub fetch_add fetch_sub inc dec fetch_inc fetch_dec);

/// A class whose objects hold an integer core.
pub trait IntClass: PyClass<Frozen = True> + Sync {
    /// The core.
    fn int_core(&self) -> &Core<IntCell>;
}

/// The core of `slf`.
///
/// # Safety
///
/// `slf` is an instance of `T` that outlives the borrow.
#[inline(always)]
unsafe fn core_of<T: IntClass>(slf: &*mut ffi::PyObject) -> &Core<IntCell> {
    // SAFETY: the GIL is held by the direct paths' callers.
    let py = unsafe { Python::assume_attached() };
    // SAFETY: `slf` is a live object (contract), borrowed for `'a`; no null check.
    let this = unsafe { Bound::ref_from_ptr(py, slf) };
    // SAFETY: an instance of `T` (contract: CPython checked the descriptor's type).
    unsafe { this.cast_unchecked::<T>() }.get().int_core()
}

/// Whether the memory of `core` may no longer be used (the general path raises).
#[inline(always)]
fn gone(core: &Core<IntCell>) -> bool {
    core.gone.load(Ordering::Relaxed)
}

/// An integer the direct paths handle.
pub trait Int: Integer + FastInt {}
impl<V: Integer + FastInt> Int for V {}

/// Runs `$body` with `$a` the typed atomic of a writable [`IntCell`] up to 8 bytes wide
/// (generic over the width: a call to a function generic in `V: Int`); `None` for 16
/// bytes and read-only memory (the general path).
macro_rules! small_int {
    ($cell:expr, $a:ident => $body:expr) => {
        match $cell {
            Some(IntCell::I8($a)) => $body,
            Some(IntCell::I16($a)) => $body,
            Some(IntCell::I32($a)) => $body,
            Some(IntCell::I64($a)) => $body,
            Some(IntCell::U8($a)) => $body,
            Some(IntCell::U16($a)) => $body,
            Some(IntCell::U32($a)) => $body,
            Some(IntCell::U64($a)) => $body,
            _ => None,
        }
    };
}

/// An operation without operands on one typed atomic: the new reference it returns.
pub trait NoOperand {
    /// Runs it.
    ///
    /// # Safety
    ///
    /// The GIL is held.
    unsafe fn apply<V: Int>(a: &Atomic<V>) -> *mut ffi::PyObject;
}

/// An operation with one operand of the cell's type.
pub trait OneOperand {
    /// Runs it.
    ///
    /// # Safety
    ///
    /// The GIL is held.
    unsafe fn apply<V: Int>(a: &Atomic<V>, v: V) -> *mut ffi::PyObject;
}

/// A bit operation: the bit's previous (or current) value; `Err` (nothing done) for a
/// bit past the width.
pub trait BitOperand {
    /// Runs it.
    fn apply<V: Int>(a: &Atomic<V>, bit: u32) -> Result<bool, shm_atomics_runtime::Error>;
}

/// The direct path of an operation without operands: `op()`. The 8-byte signed cell is
/// tested first, in line; the other widths and the general path are a separate call, so
/// the usual path saves no register.
///
/// # Safety
///
/// As [`Direct`]'s methods.
#[inline(always)]
pub unsafe fn no_operand<T: IntClass, Op: NoOperand>(
    call: Args,
    general: General,
) -> *mut ffi::PyObject {
    /// The other widths, or the general path.
    ///
    /// # Safety
    ///
    /// As [`Direct`]'s methods; `core` is `self`'s.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn other<Op: NoOperand>(
        core: &Core<IntCell>,
        slf: *mut ffi::PyObject,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
        general: General,
    ) -> *mut ffi::PyObject {
        if !gone(core) {
            // SAFETY: the GIL is held (contract).
            if let Some(r) = small_int!(core.rw, a => Some(unsafe { Op::apply(a) })) {
                return r;
            }
        }
        // SAFETY: the contract, passed on.
        unsafe { general(slf, args, nargs, kwnames) }
    }
    let (slf, _, nargs, kwnames) = call;
    if nargs == 0 && kwnames.is_null() {
        // SAFETY: `slf` is an instance of `T`, alive for the call (contract).
        let core = unsafe { core_of::<T>(&slf) };
        if let (false, Some(IntCell::I64(a))) = (gone(core), core.rw) {
            // SAFETY: the GIL is held (contract).
            return unsafe { Op::apply(a) };
        }
        // SAFETY: the contract, passed on.
        return unsafe { other::<Op>(core, call.0, call.1, call.2, call.3, general) };
    }
    // SAFETY: the contract, passed on.
    unsafe { pass(general, call) }
}

/// The direct path of an operation with one operand of the cell's type: `op(value)`.
///
/// # Safety
///
/// As [`Direct`]'s methods.
#[inline(always)]
pub unsafe fn one_operand<T: IntClass, Op: OneOperand>(
    call: Args,
    general: General,
) -> *mut ffi::PyObject {
    /// The other widths, or the general path.
    ///
    /// # Safety
    ///
    /// As [`Direct`]'s methods, `call` having one argument `o` and no keywords;
    /// `core` is `self`'s.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn other<Op: OneOperand>(
        core: &Core<IntCell>,
        o: *mut ffi::PyObject,
        slf: *mut ffi::PyObject,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
        general: General,
    ) -> *mut ffi::PyObject {
        if !gone(core) {
            // SAFETY: `o` is a live argument; the GIL is held (contract).
            let r = small_int!(core.rw, a => unsafe { FastInt::from_obj(o) }
                .map(|v| unsafe { Op::apply(a, v) }));
            if let Some(r) = r {
                return r;
            }
        }
        // SAFETY: the contract, passed on.
        unsafe { general(slf, args, nargs, kwnames) }
    }
    let (slf, args, nargs, kwnames) = call;
    if nargs != 1 || !kwnames.is_null() {
        // SAFETY: the contract, passed on.
        return unsafe { pass(general, call) };
    }
    // SAFETY: `args` holds one value (vectorcall convention), alive for the call.
    let o = unsafe { *args };
    // What the general path gets when it is taken below (one argument, no keywords).
    let call = (slf, args, 1, null_mut());
    // SAFETY: `slf` is an instance of `T`, alive for the call (contract).
    let core = unsafe { core_of::<T>(&slf) };
    if let (false, Some(IntCell::I64(_))) = (gone(core), core.rw) {
        // SAFETY: a live argument; the GIL is held (contract).
        if let Some(v) = unsafe { i64::from_obj(o) } {
            // The cell is read again after the conversion (a call into CPython), so
            // it takes no register across the call (`self` does, for the general path).
            if let Some(IntCell::I64(a)) = core.rw {
                // SAFETY: the GIL is held (contract).
                return unsafe { Op::apply(a, v) };
            }
        }
        // SAFETY: the contract, passed on.
        return unsafe { pass(general, call) };
    }
    // SAFETY: the contract, passed on.
    unsafe { other::<Op>(core, o, call.0, call.1, call.2, call.3, general) }
}

/// The direct path of a bit operation: `op(index)`.
///
/// # Safety
///
/// As [`Direct`]'s methods.
#[inline(always)]
pub unsafe fn bit_operand<T: IntClass, Op: BitOperand>(
    call: Args,
    general: General,
) -> *mut ffi::PyObject {
    /// The other widths, or the general path.
    ///
    /// # Safety
    ///
    /// As [`Direct`]'s methods, `call` having one argument `o` and no keywords;
    /// `core` is `self`'s.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn other<Op: BitOperand>(
        core: &Core<IntCell>,
        o: *mut ffi::PyObject,
        slf: *mut ffi::PyObject,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
        general: General,
    ) -> *mut ffi::PyObject {
        if !gone(core) {
            // SAFETY: `o` is a live argument; the GIL is held (contract).
            if let Some(bit) = unsafe { u32::from_obj(o) } {
                let r = small_int!(core.rw, a => Op::apply(a, bit).ok().map(boolean));
                if let Some(r) = r {
                    return r;
                }
            }
        }
        // SAFETY: the contract, passed on.
        unsafe { general(slf, args, nargs, kwnames) }
    }
    let (slf, args, nargs, kwnames) = call;
    if nargs != 1 || !kwnames.is_null() {
        // SAFETY: the contract, passed on.
        return unsafe { pass(general, call) };
    }
    // SAFETY: `args` holds one value (vectorcall convention), alive for the call.
    let o = unsafe { *args };
    let call = (slf, args, 1, null_mut());
    // SAFETY: `slf` is an instance of `T`, alive for the call (contract).
    let core = unsafe { core_of::<T>(&slf) };
    if let (false, Some(IntCell::I64(_))) = (gone(core), core.rw) {
        // SAFETY: a live argument; the GIL is held (contract).
        if let Some(bit) = unsafe { u32::from_obj(o) } {
            // Read again after the conversion, as in `one_operand`. The runtime checks
            // the index before any access: `Err` did nothing.
            if let Some(IntCell::I64(a)) = core.rw
                && let Ok(b) = Op::apply(a, bit)
            {
                return boolean(b);
            }
        }
        // SAFETY: the contract, passed on.
        return unsafe { pass(general, call) };
    }
    // SAFETY: the contract, passed on.
    unsafe { other::<Op>(core, o, call.0, call.1, call.2, call.3, general) }
}

/// `(expected, desired)` of a compare-exchange called with just those two, positionally
/// or by keyword (names compared as the interned strings CPython passes for keywords
/// written in the source; any other spelling takes the general path).
///
/// # Safety
///
/// The vectorcall convention, the GIL held.
#[inline(always)]
unsafe fn two_operands(
    (_, args, nargs, kwnames): Args,
) -> Option<(*mut ffi::PyObject, *mut ffi::PyObject)> {
    if kwnames.is_null() {
        if nargs != 2 {
            return None;
        }
        // SAFETY: `args` holds two values (vectorcall convention).
        let second = unsafe { args.add(1) };
        // SAFETY: as above.
        let first = unsafe { *args };
        // SAFETY: as above.
        return Some((first, unsafe { *second }));
    }
    // SAFETY: `kwnames` is a tuple (vectorcall convention).
    let nkw = unsafe { ffi::PyTuple_Size(kwnames) };
    // Two positional values and an empty tuple of names (the protocol allows it) go to
    // the general path too: rare, and `e`, `d` below are then both set or refused.
    if nargs.checked_add(nkw) != Some(2) || !(0..=1).contains(&nargs) {
        return None;
    }
    let (mut e, mut d) = (null_mut(), null_mut());
    if nargs == 1 {
        // SAFETY: one positional value (vectorcall convention).
        e = unsafe { *args };
    }
    let (ename, dname) = (interned(Kw::Expected), interned(Kw::Desired));
    for j in 0..nkw {
        // SAFETY: `j < len(kwnames)`; a borrowed str.
        let name = unsafe { ffi::PyTuple_GetItem(kwnames, j) };
        let slot = if name == ename {
            &mut e
        } else if name == dname {
            &mut d
        } else {
            return None;
        };
        if !slot.is_null() {
            return None;
        }
        // SAFETY: the value of keyword `j` follows the positional ones (vectorcall
        // convention); `nargs + j < 2`, so the sum does not wrap.
        let value = unsafe { args.offset(nargs.wrapping_add(j)) };
        // SAFETY: as above.
        *slot = unsafe { *value };
    }
    // Both set: two slots filled from two values, none twice.
    (!e.is_null() && !d.is_null()).then_some((e, d))
}

/// The direct path of `cmpxchg_weak`/`cmpxchg_strong(expected, desired)` (positional or
/// by keyword, no orders): the result object of [`CmpxchgResult::give_raw`], whose
/// `expected` is the `expected` argument itself on success (the value found equals it).
///
/// # Safety
///
/// As [`Direct`]'s methods.
#[inline(always)]
pub unsafe fn cmpxchg<T: IntClass>(call: Args, general: General, weak: bool) -> *mut ffi::PyObject {
    /// One width (the atomic that `a` gives): `None` if an operand is not an exact int
    /// that fits.
    ///
    /// # Safety
    ///
    /// `eo` and `dobj` are live objects, the GIL is held.
    #[inline(always)]
    unsafe fn on<'a, V: Int>(
        a: impl Fn() -> Option<&'a Atomic<V>>,
        eo: *mut ffi::PyObject,
        dobj: *mut ffi::PyObject,
        weak: bool,
    ) -> Taken {
        // SAFETY: the contract.
        let e = unsafe { V::from_obj(eo) }?;
        // SAFETY: as above.
        let d = unsafe { V::from_obj(dobj) }?;
        // The cell after the conversions (calls into CPython), as in `one_operand`.
        let a = a()?;
        let r = if weak {
            a.cmpxchg_weak(e, d)
        } else {
            a.cmpxchg_strong(e, d)
        };
        if r.success {
            // SAFETY: `eo`, borrowed, is an int equal to the value found; the GIL is
            // held.
            return Some(unsafe { CmpxchgResult::give_raw(true, eo, false) });
        }
        // SAFETY: the GIL is held.
        let found = unsafe { r.expected.to_obj() };
        if found.is_null() {
            return Some(found);
        }
        // SAFETY: an owned reference to an int; the GIL is held.
        Some(unsafe { CmpxchgResult::give_raw(false, found, true) })
    }
    /// The other widths, or the general path.
    ///
    /// # Safety
    ///
    /// As [`Direct`]'s methods; `eo` and `dobj` are the call's operands, `core` is
    /// `self`'s.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn other(
        core: &Core<IntCell>,
        eo_dobj: (*mut ffi::PyObject, *mut ffi::PyObject),
        weak: bool,
        slf: *mut ffi::PyObject,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
        general: General,
    ) -> *mut ffi::PyObject {
        if !gone(core) {
            // SAFETY: live arguments; the GIL is held (contract).
            let (eo, dobj) = eo_dobj;
            // SAFETY: live arguments; the GIL is held (contract).
            let r = small_int!(core.rw, a => unsafe { on(|| Some(a), eo, dobj, weak) });
            if let Some(r) = r {
                return r;
            }
        }
        // SAFETY: the contract, passed on.
        unsafe { general(slf, args, nargs, kwnames) }
    }
    // SAFETY: the vectorcall convention, the GIL held (contract).
    let Some((eo, dobj)) = (unsafe { two_operands(call) }) else {
        // SAFETY: the contract, passed on.
        return unsafe { pass(general, call) };
    };
    // SAFETY: `self` an instance of `T`, alive for the call (contract).
    let core = unsafe { core_of::<T>(&call.0) };
    if let (false, Some(IntCell::I64(_))) = (gone(core), core.rw) {
        let a = || match core.rw {
            Some(IntCell::I64(a)) => Some(a),
            _ => None,
        };
        // SAFETY: live arguments; the GIL is held (contract).
        if let Some(r) = unsafe { on(a, eo, dobj, weak) } {
            return r;
        }
        // SAFETY: the contract, passed on.
        return unsafe { pass(general, call) };
    }
    // SAFETY: the contract, passed on.
    unsafe {
        other(
            core,
            (eo, dobj),
            weak,
            call.0,
            call.1,
            call.2,
            call.3,
            general,
        )
    }
}

/// Declares operation types: `Name: Trait = |args| body;`.
macro_rules! ops {
    ($($op:ident: NoOperand = |$a:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($op), "()`.")]
        pub struct $op;
        impl NoOperand for $op {
            #[inline(always)]
            unsafe fn apply<V: Int>($a: &Atomic<V>) -> *mut ffi::PyObject {
                #[allow(unused_unsafe)]
                // SAFETY: the GIL is held (contract).
                unsafe { $body }
            }
        }
    )*};
    ($($op:ident: OneOperand = |$a:ident, $v:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($op), "(value)`.")]
        pub struct $op;
        impl OneOperand for $op {
            #[inline(always)]
            unsafe fn apply<V: Int>($a: &Atomic<V>, $v: V) -> *mut ffi::PyObject {
                #[allow(unused_unsafe)]
                // SAFETY: the GIL is held (contract).
                unsafe { $body }
            }
        }
    )*};
    ($($op:ident: BitOperand = |$a:ident, $bit:ident| $body:expr;)*) => {$(
        #[doc = concat!("`", stringify!($op), "(index)`.")]
        pub struct $op;
        impl BitOperand for $op {
            #[inline(always)]
            fn apply<V: Int>($a: &Atomic<V>, $bit: u32) -> Result<bool, shm_atomics_runtime::Error> {
                $body
            }
        }
    )*};
}

/// The operations, by the names of the methods.
#[allow(non_camel_case_types, missing_docs)]
pub mod op {
    use super::*;

    ops! {
        load: NoOperand = |a| a.load().to_obj();
        inc: NoOperand = |a| { a.inc(); none() };
        dec: NoOperand = |a| { a.dec(); none() };
        fetch_inc: NoOperand = |a| a.fetch_inc().to_obj();
        fetch_dec: NoOperand = |a| a.fetch_dec().to_obj();
    }
    ops! {
        store: OneOperand = |a, v| { a.store(v); none() };
        exchange: OneOperand = |a, v| a.exchange(v).to_obj();
        bin_or: OneOperand = |a, v| { a.bin_or(v); none() };
        bin_xor: OneOperand = |a, v| { a.bin_xor(v); none() };
        bin_and: OneOperand = |a, v| { a.bin_and(v); none() };
        bin_fetch_or: OneOperand = |a, v| a.bin_fetch_or(v).to_obj();
        bin_fetch_xor: OneOperand = |a, v| a.bin_fetch_xor(v).to_obj();
        bin_fetch_and: OneOperand = |a, v| a.bin_fetch_and(v).to_obj();
        add: OneOperand = |a, v| { a.add(v); none() };
        sub: OneOperand = |a, v| { a.sub(v); none() };
        fetch_add: OneOperand = |a, v| a.fetch_add(v).to_obj();
        fetch_sub: OneOperand = |a, v| a.fetch_sub(v).to_obj();
    }
    ops! {
        bit_test: BitOperand = |a, bit| a.bit_test(bit);
        bit_test_set: BitOperand = |a, bit| a.bit_set(bit);
        bit_test_reset: BitOperand = |a, bit| a.bit_reset(bit);
        bit_test_compl: BitOperand = |a, bit| a.bit_compl(bit);
    }
}

/// Implements [`Direct`] for an integer class with the paths of this module.
macro_rules! int_direct {
    ($cls:ty) => {
        impl $crate::fast_int::IntClass for $cls {
            #[inline(always)]
            fn int_core(&self) -> &$crate::cells::Core<$crate::cells::IntCell> {
                &self.core
            }
        }
        $crate::fast_int::int_direct!(@impl $cls;
            no_operand: load inc dec fetch_inc fetch_dec;
            one_operand: store exchange bin_or bin_xor bin_and bin_fetch_or bin_fetch_xor
                bin_fetch_and add sub fetch_add fetch_sub;
            bit_operand: bit_test bit_test_set bit_test_reset bit_test_compl;);
    };
    (@impl $cls:ty; $($path:ident: $($op:ident)*;)*) => {
        impl $crate::fast_int::Direct for $cls {
            $($(
                #[inline(always)]
                unsafe fn $op(
                    call: $crate::fast_int::ArgsOf,
                    general: $crate::fast_int::General,
                ) -> *mut pyo3::ffi::PyObject {
                    // SAFETY: the contract of `Direct`'s methods, passed on.
                    unsafe { $crate::fast_int::$path::<Self, $crate::fast_int::op::$op>(call, general) }
                }
            )*)*
            #[inline(always)]
            unsafe fn cmpxchg_weak(
                call: $crate::fast_int::ArgsOf,
                general: $crate::fast_int::General,
            ) -> *mut pyo3::ffi::PyObject {
                // SAFETY: as above.
                unsafe { $crate::fast_int::cmpxchg::<Self>(call, general, true) }
            }
            #[inline(always)]
            unsafe fn cmpxchg_strong(
                call: $crate::fast_int::ArgsOf,
                general: $crate::fast_int::General,
            ) -> *mut pyo3::ffi::PyObject {
                // SAFETY: as above.
                unsafe { $crate::fast_int::cmpxchg::<Self>(call, general, false) }
            }
        }
    };
}
pub(crate) use int_direct;

/// The arguments of a direct path (named for the macros).
pub type ArgsOf = Args;
