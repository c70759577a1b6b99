//! The C API conversions of the direct paths ([`crate::fast_int`]): exact `int`s to and
//! from the integer widths up to 8 bytes, and new references to objects, written as
//! CPython's own headers write them for the stable ABI of 3.11.

use pyo3::ffi;

/// The Python `int` conversions of the integer widths up to 8 bytes.
pub trait FastInt: Sized + Copy {
    /// The value of `o` if it is an exact `int` that fits; `None` (nothing raised) else.
    ///
    /// # Safety
    ///
    /// `o` is a live object, the GIL is held.
    unsafe fn from_obj(o: *mut ffi::PyObject) -> Option<Self>;
    /// A new `int` (null with `MemoryError` raised).
    ///
    /// # Safety
    ///
    /// The GIL is held.
    unsafe fn to_obj(self) -> *mut ffi::PyObject;
}

/// Whether `o` is exactly an `int` (not a subclass: `bool` and others take the general
/// path, as do objects with `__index__`).
///
/// # Safety
///
/// `o` is a live object.
#[inline(always)]
pub(crate) unsafe fn exact_int(o: *mut ffi::PyObject) -> bool {
    // SAFETY: `o` is live (contract); `PyLong_Type` is CPython's static type object.
    unsafe { ffi::PyLong_CheckExact(o) != 0 }
}

/// Whether a conversion that returned its error value raised (an `OverflowError`, then
/// cleared). Out of line: the usual path then needs fewer registers.
///
/// # Safety
///
/// The GIL is held.
#[cold]
#[inline(never)]
pub(crate) unsafe fn raised() -> bool {
    // SAFETY: the GIL is held (contract).
    if unsafe { ffi::PyErr_Occurred().is_null() } {
        return false;
    }
    // SAFETY: as above; the error the conversion just raised.
    unsafe { ffi::PyErr_Clear() };
    true
}

/// `int` `o` as an `i64`, `None` (error cleared) if it does not fit. On 64-bit CPUs
/// `PyLong_AsSsize_t`: for an exact `int` it is `PyLong_AsLongLong` without the
/// `__index__` test, and it loops over the digits where `PyLong_AsLongLong` goes through
/// a byte array (more than 30 bits).
///
/// # Safety
///
/// `o` is an exact `int`, the GIL is held.
#[inline(always)]
pub(crate) unsafe fn as_i64(o: *mut ffi::PyObject) -> Option<i64> {
    // SAFETY: an int (contract); raises only OverflowError for an int.
    #[cfg(target_pointer_width = "64")]
    let v = unsafe { ffi::PyLong_AsSsize_t(o) } as i64;
    // SAFETY: as above.
    #[cfg(not(target_pointer_width = "64"))]
    let v = unsafe { ffi::PyLong_AsLongLong(o) };
    if v == -1 {
        // The value again as a constant: `v` then takes no register across the call.
        // SAFETY: the GIL is held (contract).
        return (!unsafe { raised() }).then_some(-1);
    }
    Some(v)
}

/// `int` `o` as a `u64`, `None` (error cleared) if negative or too large
/// (`PyLong_AsSize_t` on 64-bit CPUs, as [`as_i64`]).
///
/// # Safety
///
/// As [`as_i64`].
#[inline(always)]
pub(crate) unsafe fn as_u64(o: *mut ffi::PyObject) -> Option<u64> {
    // SAFETY: an int (contract); raises only OverflowError for an int.
    #[cfg(target_pointer_width = "64")]
    let v = unsafe { ffi::PyLong_AsSize_t(o) } as u64;
    // SAFETY: as above.
    #[cfg(not(target_pointer_width = "64"))]
    let v = unsafe { ffi::PyLong_AsUnsignedLongLong(o) };
    if v == u64::MAX {
        // As in `as_i64`.
        // SAFETY: the GIL is held (contract).
        return (!unsafe { raised() }).then_some(u64::MAX);
    }
    Some(v)
}

macro_rules! fast_int {
    (signed: $($t:ty),*) => {$(
        impl FastInt for $t {
            #[inline(always)]
            unsafe fn from_obj(o: *mut ffi::PyObject) -> Option<Self> {
                // SAFETY: `o` is live, the GIL is held (contract); an int when converted.
                if unsafe { !exact_int(o) } {
                    return None;
                }
                // SAFETY: as above.
                <$t>::try_from(unsafe { as_i64(o) }?).ok()
            }
            #[inline(always)]
            unsafe fn to_obj(self) -> *mut ffi::PyObject {
                let v = i64::from(self);
                // SAFETY: the GIL is held (contract).
                unsafe {
                    // CPython's unsigned conversion is the shorter for values >= 0.
                    if v >= 0 {
                        ffi::PyLong_FromUnsignedLongLong(v as u64)
                    } else {
                        ffi::PyLong_FromLongLong(v)
                    }
                }
            }
        }
    )*};
    (unsigned: $($t:ty),*) => {$(
        impl FastInt for $t {
            #[inline(always)]
            unsafe fn from_obj(o: *mut ffi::PyObject) -> Option<Self> {
                // SAFETY: `o` is live, the GIL is held (contract); an int when converted.
                if unsafe { !exact_int(o) } {
                    return None;
                }
                // SAFETY: as above.
                <$t>::try_from(unsafe { as_u64(o) }?).ok()
            }
            #[inline(always)]
            unsafe fn to_obj(self) -> *mut ffi::PyObject {
                // SAFETY: the GIL is held (contract).
                unsafe { ffi::PyLong_FromUnsignedLongLong(u64::from(self)) }
            }
        }
    )*};
}
fast_int!(signed: i8, i16, i32, i64);
fast_int!(unsigned: u8, u16, u32, u64);

/// `Py_INCREF` as CPython's own headers inline it for the stable ABI of 3.11 (this
/// module's): on 64-bit CPUs the saturated add on the low 32 bits of the count that
/// `Include/object.h` writes from 3.12 on (an immortal object stays immortal); else
/// PyO3's call.
///
/// # Safety
///
/// `o` is a live object, the GIL is held.
#[inline(always)]
pub unsafe fn incref(o: *mut ffi::PyObject) {
    #[cfg(target_pointer_width = "64")]
    {
        let half = usize::from(cfg!(target_endian = "big"));
        // SAFETY: `o` is live (contract); its count (`ob_refcnt`, a `Py_ssize_t`) is
        // two 32-bit halves (3.12's `ob_refcnt_split`), the low one first on
        // little-endian CPUs, changed under the GIL only.
        let count = unsafe { &raw mut (*o).ob_refcnt };
        // SAFETY: `half` is 0 or 1: within the 8-byte count.
        let low = unsafe { count.cast::<u32>().add(half) };
        // SAFETY: as above, aligned (the count is 8-byte aligned).
        let n = unsafe { low.read() }.wrapping_add(1);
        if n != 0 {
            // SAFETY: as above.
            unsafe { low.write(n) };
        }
    }
    #[cfg(not(target_pointer_width = "64"))]
    // SAFETY: as above.
    unsafe {
        ffi::Py_INCREF(o)
    };
}

/// A new reference to `o`.
///
/// # Safety
///
/// As [`incref`].
#[inline(always)]
pub(crate) unsafe fn new_ref(o: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: the contract.
    unsafe { incref(o) };
    o
}

/// A new reference to `None`.
#[inline(always)]
pub(crate) fn none() -> *mut ffi::PyObject {
    // SAFETY: `None` is a static object; the direct paths' callers hold the GIL.
    let none = unsafe { ffi::Py_None() };
    // SAFETY: as above.
    unsafe { new_ref(none) }
}

/// A new reference to `True` or `False`.
#[inline(always)]
pub(crate) fn boolean(b: bool) -> *mut ffi::PyObject {
    // SAFETY: static objects; the direct paths' callers hold the GIL.
    let o = if b {
        // SAFETY: as above.
        unsafe { ffi::Py_True() }
    } else {
        // SAFETY: as above.
        unsafe { ffi::Py_False() }
    };
    // SAFETY: as above.
    unsafe { new_ref(o) }
}
