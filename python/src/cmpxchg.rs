//! `CmpxchgResult`: what a compare-exchange returns (the seed's class, native).

use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use crate::capi::incref;

/// The result of `cmpxchg_weak`/`cmpxchg_strong`: `success` (whether the value was
/// written) and `expected` (the value found; equal to the expected value on success).
/// True exactly when it succeeded; unpacks as `(success, expected)`.
///
/// >>> r = CmpxchgResult(success=False, expected=3)
/// >>> bool(r), r.expected
/// (False, 3)
///
/// Immutable for Python code. The operations reuse one result object that nobody else
/// references any more (see [`CmpxchgResult::give`]) instead of allocating one per call.
#[pyclass(frozen, module = "shm_atomics", name = "CmpxchgResult")]
pub struct CmpxchgResult {
    /// Whether the exchange took place.
    success: AtomicBool,
    /// The value found in memory: an owned, never null reference.
    expected: AtomicPtr<ffi::PyObject>,
}

/// The result object the operations last returned, with one reference owned here (null
/// when none). Reused when that reference is its only one.
static SPARE: AtomicPtr<ffi::PyObject> = AtomicPtr::new(null_mut());

impl CmpxchgResult {
    /// A result.
    pub fn new(success: bool, expected: Bound<'_, PyAny>) -> Self {
        CmpxchgResult {
            success: AtomicBool::new(success),
            expected: AtomicPtr::new(expected.into_ptr()),
        }
    }

    /// The result `(success, expected)` for an operation to return: the spare result
    /// object rewritten when nothing but the spare slot references it (the caller
    /// dropped it: nobody can see the change), else a new one that becomes the spare.
    #[inline]
    pub fn give<'py>(
        py: Python<'py>,
        success: bool,
        expected: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, CmpxchgResult>> {
        // A load and a store, not a swap (a locked instruction costing as much as the
        // compare-exchange itself): the GIL serializes every call here (the module does
        // not declare `gil_used = false`, so even a free-threaded CPython enables the GIL
        // for it), and so does the reference-count test below, which relies on it.
        let spare = SPARE.load(Ordering::Acquire);
        SPARE.store(null_mut(), Ordering::Relaxed);
        if !spare.is_null() {
            // SAFETY: the slot owned this reference to a live object; the swap moved it
            // to us.
            let obj = unsafe { Bound::from_owned_ptr(py, spare) };
            // SAFETY: only `CmpxchgResult`s are stored in the slot.
            let obj = unsafe { obj.cast_into_unchecked::<Self>() };
            // SAFETY: a live object; attached to the interpreter.
            if unsafe { ffi::Py_REFCNT(obj.as_ptr()) } == 1 {
                // Ours is the only reference: no one can observe the rewrite.
                let r = obj.get();
                r.success.store(success, Ordering::Relaxed);
                let old = r.expected.load(Ordering::Relaxed);
                r.expected.store(expected.into_ptr(), Ordering::Relaxed);
                // SAFETY: `old` was the field's owned reference, now released once.
                unsafe { ffi::Py_DecRef(old) };
                SPARE.store(obj.clone().into_ptr(), Ordering::Release);
                return Ok(obj);
            }
            // The caller kept it: the slot's reference drops here.
        }
        let obj = Bound::new(py, CmpxchgResult::new(success, expected))?;
        SPARE.store(obj.clone().into_ptr(), Ordering::Release);
        Ok(obj)
    }

    /// [`CmpxchgResult::give`] for the direct paths ([`crate::fast_int`]), on raw
    /// references: returns a new reference to the result (null with the error raised).
    /// `expected` is an owned reference when `owned`, else a borrowed one (the call's
    /// argument). The usual case, the spare result referenced by the spare slot alone, is
    /// rewritten here without PyO3's wrappers, and without touching any count when it
    /// already holds `expected` (the same small int, or the same argument object).
    ///
    /// # Safety
    ///
    /// `expected` is a live `int` (whose deallocation runs no Python code); the GIL is
    /// held.
    #[inline(always)]
    pub unsafe fn give_raw(
        success: bool,
        expected: *mut ffi::PyObject,
        owned: bool,
    ) -> *mut ffi::PyObject {
        let spare = SPARE.load(Ordering::Acquire);
        // SAFETY: the GIL is held (contract).
        let py = unsafe { Python::assume_attached() };
        // SAFETY: null, or a live object while the slot holds it (only `give` and this
        // function change the slot, under the GIL, which the caller holds).
        if let Some(obj) = unsafe { Borrowed::from_ptr_or_opt(py, spare) } {
            // SAFETY: live, as above.
            if unsafe { ffi::Py_REFCNT(spare) } == 1 {
                // SAFETY: only `CmpxchgResult`s are stored in the slot.
                let r = unsafe { obj.cast_unchecked::<Self>() }.get();
                // SAFETY: live; the reference returned.
                unsafe { incref(spare) };
                // Nobody but the slot and the caller-to-be references it: no one can
                // observe the rewrite. A load and a store, not a swap (a locked
                // instruction), as in `give`.
                r.success.store(success, Ordering::Relaxed);
                let old = r.expected.load(Ordering::Relaxed);
                if old == expected {
                    if owned {
                        // SAFETY: our reference to `expected`, which the field also
                        // holds: released once, never the last.
                        unsafe { ffi::Py_DECREF(expected) };
                    }
                } else {
                    if !owned {
                        // SAFETY: a live object (contract); the field's reference.
                        unsafe { incref(expected) };
                    }
                    r.expected.store(expected, Ordering::Relaxed);
                    // SAFETY: `old` was the field's owned reference to a value the
                    // operations made (whose deallocation runs no Python code),
                    // released once, after the result is whole again.
                    unsafe { ffi::Py_DECREF(old) };
                }
                return spare;
            }
        }
        if !owned {
            // SAFETY: a live object (contract); the reference `give_new` takes.
            unsafe { incref(expected) };
        }
        // SAFETY: as above; `expected` is now owned.
        unsafe { Self::give_new(py, success, expected) }
    }

    /// [`CmpxchgResult::give_raw`] when the spare cannot be rewritten: `give`, with a
    /// panic raised as `SystemError` (the direct paths run outside `catch_unwind`).
    ///
    /// # Safety
    ///
    /// As [`CmpxchgResult::give_raw`].
    #[cold]
    #[inline(never)]
    unsafe fn give_new(
        py: Python<'_>,
        success: bool,
        expected: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: an owned reference (contract).
            let expected = unsafe { Bound::from_owned_ptr(py, expected) };
            CmpxchgResult::give(py, success, expected).map(Bound::into_ptr)
        }));
        match r {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                e.restore(py);
                null_mut()
            }
            Err(_) => {
                pyo3::exceptions::PySystemError::new_err("shm_atomics: an operation panicked")
                    .restore(py);
                null_mut()
            }
        }
    }

    /// The value found.
    fn expected_ref<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        // SAFETY: the field always holds an owned, live reference (rewritten only while
        // no one else references this object); we add one for the caller.
        unsafe { Bound::from_borrowed_ptr(py, self.expected.load(Ordering::Relaxed)) }
    }
}

impl Drop for CmpxchgResult {
    fn drop(&mut self) {
        let p = *self.expected.get_mut();
        // SAFETY: the field's owned reference, released once; PyO3 drops a pyclass's
        // contents in its deallocator, attached to the interpreter.
        unsafe { ffi::Py_DecRef(p) };
    }
}

#[pymethods]
impl CmpxchgResult {
    #[new]
    #[pyo3(signature = (success, expected))]
    fn py_new(success: bool, expected: Bound<'_, PyAny>) -> Self {
        CmpxchgResult::new(success, expected)
    }

    /// Whether the exchange took place.
    #[getter]
    fn success(&self) -> bool {
        self.success.load(Ordering::Relaxed)
    }

    /// The value found in memory.
    #[getter]
    fn expected<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.expected_ref(py)
    }

    fn __bool__(&self) -> bool {
        self.success()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyTuple::new(
            py,
            [
                self.success().into_pyobject(py)?.to_owned().into_any(),
                self.expected_ref(py),
            ],
        )?
        .into_any()
        .try_iter()
        .map(|i| i.into_any())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let success = if self.success() { "True" } else { "False" };
        Ok(format!(
            "CmpxchgResult(success={success}, expected={})",
            self.expected_ref(py).str()?
        ))
    }

    /// `CmpxchgResult[int]` in annotations (the seed's class is generic).
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        _item: &Bound<'py, PyAny>,
    ) -> Bound<'py, PyType> {
        cls.clone()
    }
}
