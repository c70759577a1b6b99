//! Fast entry points for the hot operations (`load`, `store`, `fetch_add`, ...): plain
//! CPython `METH_FASTCALL | METH_KEYWORDS` functions installed over the PyO3-made
//! methods of the same name when the module loads ([`install`]).
//!
//! Why: PyO3's generic method path (trampoline, thread-local GIL count, its argument
//! description, result plumbing) cost about 260 machine instructions for `load()`
//! (callgrind), against 33 for `atomicshm`'s whole operation; with this entry `load()`
//! costs 68 (`python/bench/peers.py` measures the time). A fast entry point takes the
//! arguments of any valid call (positional or keyword) into slots itself and runs the
//! same `ops.rs` operation; every other call (a missing, duplicate or unknown argument, too many) goes to the
//! PyO3 method it replaced, kept aside, which raises PyO3's `TypeError`. So signatures,
//! results and errors are those of `methods.rs`, only the way in is shorter.
//!
//! Soundness: CPython calls a method descriptor only with `self` an instance of the
//! descriptor's type (it checks), and with the GIL held. A panic in an operation is
//! caught and raised as `SystemError` (never unwinds into C).

use std::ffi::{CStr, CString};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::null_mut;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::exceptions::PySystemError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use pyo3::{PyClass, PyTypeInfo};

/// The C signature of a fast entry point.
pub type FastFn = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// One fast entry point: the method's name, the function, and where the PyO3 method it
/// replaces is kept (for the calls it does not take).
pub struct FastMethod {
    /// The method's name.
    pub name: &'static CStr,
    /// The entry point.
    pub meth: FastFn,
    /// The replaced PyO3 method (set by [`install`]).
    pub orig: &'static OnceLock<Py<PyAny>>,
}

/// A class with fast entry points.
pub trait HasFast: PyClass + PyTypeInfo {
    /// Its fast entry points.
    fn fast_methods() -> Vec<FastMethod>;
}

/// Installs `T`'s fast entry points over its PyO3 methods of the same names (each keeps
/// the replaced method for the calls it does not take, and its docstring and signature).
pub fn install<T: HasFast>(py: Python<'_>) -> PyResult<()> {
    intern_names(py);
    let ty = T::type_object(py);
    for m in T::fast_methods() {
        let name = m.name.to_str().unwrap_or_default();
        let orig = ty.getattr(name)?;
        let doc: Option<String> = orig.getattr("__doc__")?.extract()?;
        let sig: Option<String> = orig.getattr("__text_signature__")?.extract()?;
        let doc = match (sig, doc) {
            (Some(s), d) => format!("{name}{s}\n--\n\n{}", d.unwrap_or_default()),
            (None, d) => d.unwrap_or_default(),
        };
        let _ = m.orig.set(orig.unbind());
        // The method table and docstring live as long as the process (the type keeps
        // pointers to them); one per class and method, made once.
        let doc: &'static CStr =
            Box::leak(CString::new(doc).unwrap_or_default().into_boxed_c_str());
        let def: &'static mut ffi::PyMethodDef = Box::leak(Box::new(ffi::PyMethodDef {
            ml_name: m.name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFastWithKeywords: m.meth,
            },
            ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
            ml_doc: doc.as_ptr(),
        }));
        // SAFETY: `ty` is a live type object; `def` is a valid method table entry that
        // lives for the rest of the process.
        let descr = unsafe { ffi::PyDescr_NewMethod(ty.as_type_ptr(), def) };
        // SAFETY: a new reference, or null with the error raised.
        let descr = unsafe { Bound::from_owned_ptr_or_err(py, descr)? };
        ty.setattr(name, descr)?;
    }
    Ok(())
}

/// The parameter names of the fast methods. Their interned strings are kept (see
/// [`install`]) so a keyword is found by comparing pointers: CPython interns the keyword
/// names of a call written in the source.
#[derive(Clone, Copy)]
#[allow(missing_docs)]
pub enum Kw {
    Order,
    Desired,
    Expected,
    Success,
    Failure,
    Succ,
    Fail,
    Index,
    Value,
}

/// Every [`Kw`], in order.
const KWS: [Kw; 9] = [
    Kw::Order,
    Kw::Desired,
    Kw::Expected,
    Kw::Success,
    Kw::Failure,
    Kw::Succ,
    Kw::Fail,
    Kw::Index,
    Kw::Value,
];

impl Kw {
    /// The name.
    pub fn name(self) -> &'static CStr {
        match self {
            Kw::Order => c"order",
            Kw::Desired => c"desired",
            Kw::Expected => c"expected",
            Kw::Success => c"success",
            Kw::Failure => c"failure",
            Kw::Succ => c"succ",
            Kw::Fail => c"fail",
            Kw::Index => c"index",
            Kw::Value => c"value",
        }
    }
}

/// The interned name of each [`Kw`] (a reference kept for the process), null until
/// [`intern_names`] ran.
static INTERNED: [AtomicPtr<ffi::PyObject>; 9] = [const { AtomicPtr::new(null_mut()) }; 9];

/// Interns the parameter names (once).
fn intern_names(py: Python<'_>) {
    for k in KWS {
        let slot = &INTERNED[k as usize];
        if slot.load(Ordering::Relaxed).is_null() {
            let s = PyString::intern(py, k.name().to_str().unwrap_or_default());
            slot.store(s.unbind().into_ptr(), Ordering::Relaxed);
        }
    }
}

/// The interned name of `k` (null before the module's types were set up).
#[inline(always)]
pub fn interned(k: Kw) -> *mut ffi::PyObject {
    INTERNED[k as usize].load(Ordering::Relaxed)
}

/// Whether the keyword `name` (a str) is `k`.
#[inline(always)]
fn is_kw(name: *mut ffi::PyObject, k: Kw) -> bool {
    name == INTERNED[k as usize].load(Ordering::Relaxed)
        // SAFETY: `name` is a str and the name NUL-terminated ASCII; never raises.
        || unsafe { ffi::PyUnicode_CompareWithASCIIString(name, k.name().as_ptr()) == 0 }
}

/// The arguments of a vectorcall in `N` slots named `names` (null where not given): the
/// first `npos` may be given positionally, the first `nreq` are required. `None` for a
/// call that is not plainly valid (the replaced PyO3 method then raises its error).
///
/// # Safety
///
/// `args` holds `nargs` positional then `len(kwnames)` keyword values, `kwnames` is null
/// or a tuple of str (CPython's vectorcall convention); the GIL is held.
#[inline(always)]
pub unsafe fn parse<const N: usize>(
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    names: &[Kw; N],
    npos: usize,
    nreq: usize,
) -> Option<[*mut ffi::PyObject; N]> {
    let nargs = usize::try_from(nargs).ok()?;
    if nargs > npos {
        return None;
    }
    let nkw = if kwnames.is_null() {
        0
    } else {
        // SAFETY: `kwnames` is a tuple (vectorcall convention).
        usize::try_from(unsafe { ffi::PyTuple_Size(kwnames) }).ok()?
    };
    if nargs + nkw == 0 {
        return (nreq == 0).then_some([null_mut(); N]);
    }
    // SAFETY: `args` holds `nargs + nkw` values (vectorcall convention), non-null as
    // there is at least one.
    let all = unsafe { std::slice::from_raw_parts(args, nargs + nkw) };
    let mut out = [null_mut(); N];
    out[..nargs].copy_from_slice(&all[..nargs]);
    for j in 0..nkw {
        // SAFETY: `j < len(kwnames)`; a borrowed str.
        let name = unsafe { ffi::PyTuple_GetItem(kwnames, j as ffi::Py_ssize_t) };
        let i = names
            .iter()
            .position(|k| name == INTERNED[*k as usize].load(Ordering::Relaxed))
            .or_else(|| names.iter().position(|k| is_kw(name, *k)))?;
        if !out[i].is_null() {
            return None;
        }
        out[i] = all[nargs + j];
    }
    if out[..nreq].iter().any(|p| p.is_null()) {
        return None;
    }
    Some(out)
}

/// A Python object returned by a fast entry point.
pub trait Ret {
    /// The new reference to return (null with the error raised).
    fn into_ret(self, py: Python<'_>) -> *mut ffi::PyObject;
}

impl<T> Ret for Bound<'_, T> {
    #[inline(always)]
    fn into_ret(self, _py: Python<'_>) -> *mut ffi::PyObject {
        self.into_ptr()
    }
}

impl Ret for Option<Bound<'_, PyAny>> {
    #[inline(always)]
    fn into_ret(self, py: Python<'_>) -> *mut ffi::PyObject {
        match self {
            Some(b) => b.into_ptr(),
            None => py.None().into_ptr(),
        }
    }
}

impl Ret for () {
    #[inline(always)]
    fn into_ret(self, py: Python<'_>) -> *mut ffi::PyObject {
        py.None().into_ptr()
    }
}

impl Ret for bool {
    #[inline(always)]
    fn into_ret(self, py: Python<'_>) -> *mut ffi::PyObject {
        pyo3::types::PyBool::new(py, self).to_owned().into_ptr()
    }
}

/// Runs a fast entry point: `op` on the parsed slots, or the replaced method for a call
/// `parse` did not take.
///
/// # Safety
///
/// Called by CPython as a `METH_FASTCALL | METH_KEYWORDS` method of `T`'s type: `slf`
/// is an instance of `T`, the arguments follow the vectorcall convention, the GIL is
/// held.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn run<'py, T, R, const N: usize>(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    orig: &OnceLock<Py<PyAny>>,
    names: &[Kw; N],
    npos: usize,
    nreq: usize,
    op: impl FnOnce(Python<'py>, &T, [Option<&Bound<'py, PyAny>>; N]) -> PyResult<R>,
) -> *mut ffi::PyObject
where
    T: PyClass<Frozen = pyo3::pyclass::boolean_struct::True> + Sync,
    R: Ret,
{
    // SAFETY: CPython holds the GIL for the call (contract).
    let py: Python<'py> = unsafe { Python::assume_attached() };
    let r = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the vectorcall convention (contract).
        let Some(slots) = (unsafe { parse(args, nargs, kwnames, names, npos, nreq) }) else {
            // SAFETY: as above.
            return unsafe { slow(py, slf, args, nargs, kwnames, orig) };
        };
        // SAFETY: `slf` is a live instance of `T` (CPython checked the descriptor's
        // type), borrowed for the call.
        let this = unsafe { Borrowed::from_ptr(py, slf) };
        // SAFETY: an instance of `T`, as above.
        let this = unsafe { this.cast_unchecked::<T>() };
        // SAFETY: each non-null slot is a borrowed argument, alive for the call.
        let bound = slots.map(|p| unsafe { Borrowed::from_ptr_or_opt(py, p) });
        let refs = std::array::from_fn(|i| bound[i].as_deref());
        match op(py, this.get(), refs) {
            Ok(v) => v.into_ret(py),
            Err(e) => {
                e.restore(py);
                null_mut()
            }
        }
    }));
    r.unwrap_or_else(|_| {
        PySystemError::new_err("shm_atomics: an operation panicked").restore(py);
        null_mut()
    })
}

/// A call the fast path does not take: the replaced PyO3 method, called as usual (it
/// raises the `TypeError` for the call).
///
/// # Safety
///
/// As [`run`].
#[cold]
unsafe fn slow(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    orig: &OnceLock<Py<PyAny>>,
) -> *mut ffi::PyObject {
    let call = || -> PyResult<Bound<'_, PyAny>> {
        let Some(orig) = orig.get() else {
            return Err(PySystemError::new_err("shm_atomics: method not installed"));
        };
        let nargs = usize::try_from(nargs).unwrap_or(0);
        let names = if kwnames.is_null() {
            None
        } else {
            // SAFETY: `kwnames` is a borrowed tuple of str (vectorcall convention).
            let names = unsafe { Borrowed::from_ptr(py, kwnames) };
            // SAFETY: a tuple, as above.
            Some(unsafe { names.cast_unchecked::<PyTuple>() })
        };
        let nkw = names.as_ref().map_or(0, |n| n.len());
        let all = if nargs + nkw == 0 {
            &[][..]
        } else {
            // SAFETY: `args` holds `nargs + nkw` borrowed values (vectorcall convention).
            unsafe { std::slice::from_raw_parts(args, nargs + nkw) }
        };
        // SAFETY: `slf` and every value are borrowed, alive for the call.
        let bind = |p: *mut ffi::PyObject| unsafe { Borrowed::from_ptr(py, p) }.to_owned();
        let mut pos = vec![bind(slf)];
        pos.extend(all[..nargs].iter().map(|p| bind(*p)));
        let kwargs = PyDict::new(py);
        if let Some(names) = names {
            for (j, name) in names.iter().enumerate() {
                kwargs.set_item(name.cast_into::<PyString>()?, bind(all[nargs + j]))?;
            }
        }
        orig.bind(py).call(PyTuple::new(py, pos)?, Some(&kwargs))
    };
    match call() {
        Ok(v) => v.into_ptr(),
        Err(e) => {
            e.restore(py);
            null_mut()
        }
    }
}

/// A fast entry point for `$cls`'s method `$name` (a C string literal) with slots
/// `$names`, `$npos` positional, `$nreq` required: `|py, this, [slot, ...]| body`. The
/// class's direct path `$direct` ([`crate::fast_int::Direct`]) is tried first; the
/// general path is a separate function, so the entry point itself stays small.
macro_rules! fast_method {
    ($cls:ty, $name:literal, $direct:ident, $names:expr, $npos:expr, $nreq:expr, |$py:ident, $this:ident, $slots:pat_param| $body:expr) => {{
        static ORIG: std::sync::OnceLock<pyo3::Py<pyo3::PyAny>> = std::sync::OnceLock::new();
        #[inline(never)]
        unsafe fn general(
            slf: *mut pyo3::ffi::PyObject,
            args: *const *mut pyo3::ffi::PyObject,
            nargs: pyo3::ffi::Py_ssize_t,
            kwnames: *mut pyo3::ffi::PyObject,
        ) -> *mut pyo3::ffi::PyObject {
            // SAFETY: called by `meth` with its arguments (below).
            unsafe {
                $crate::fast::run::<$cls, _, _>(
                    slf,
                    args,
                    nargs,
                    kwnames,
                    &ORIG,
                    &$names,
                    $npos,
                    $nreq,
                    |$py, $this, $slots| $body,
                )
            }
        }
        unsafe extern "C" fn meth(
            slf: *mut pyo3::ffi::PyObject,
            args: *const *mut pyo3::ffi::PyObject,
            nargs: pyo3::ffi::Py_ssize_t,
            kwnames: *mut pyo3::ffi::PyObject,
        ) -> *mut pyo3::ffi::PyObject {
            // SAFETY: installed as a METH_FASTCALL | METH_KEYWORDS method of `$cls`: the
            // contract of `Direct`'s methods and of `run`.
            unsafe {
                <$cls as $crate::fast_int::Direct>::$direct((slf, args, nargs, kwnames), general)
            }
        }
        $crate::fast::FastMethod {
            name: $name,
            meth,
            orig: &ORIG,
        }
    }};
}
pub(crate) use fast_method;
