//! Who keeps an atomic's memory alive: its own storage, a view context's lease on a
//! Python buffer (released when the context exits), or a buffer held for the object's
//! whole life (atomos objects over a buffer), or a segment's mapping (`Keep::Map`: the
//! objects of a `Segment`'s fields hold it, so the mapping outlives them unless the
//! segment is closed, after which they raise).

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
#[cfg(unix)]
use shm_atomics_runtime::RawSegment;

#[cfg(not(unix))]
use crate::segment::RawSegment;

/// Zero-initialised storage of an owned atomic: 16 bytes aligned to 16, enough for every
/// width.
#[repr(C, align(16))]
pub struct Storage(UnsafeCell<[u8; 16]>);

impl Storage {
    /// New zeroed storage on the heap (so its address is stable).
    pub fn new() -> Box<Storage> {
        Box::new(Storage(UnsafeCell::new([0; 16])))
    }

    /// The address of the bytes.
    pub fn as_ptr(&self) -> *mut u8 {
        self.0.get().cast()
    }
}

// SAFETY: the bytes are reached only through atomic operations (`Atomic<T>` views made
// from `as_ptr`), never through references to the array.
unsafe impl Sync for Storage {}

/// An exported Python buffer (`PyObject_GetBuffer`), released with `PyBuffer_Release`
/// when dropped. While held, CPython's exporters refuse to resize or close the memory
/// (bytearray, mmap and shared_memory raise `BufferError`).
pub struct BufferHold {
    view: Box<ffi::Py_buffer>,
}

// SAFETY: the Py_buffer is only read (its `buf`/`len`/`readonly`) and released while
// attached to the interpreter (`Drop` attaches), so moving it between threads is sound.
unsafe impl Send for BufferHold {}
// SAFETY: shared access only reads the plain fields set once by `PyObject_GetBuffer`.
unsafe impl Sync for BufferHold {}

impl BufferHold {
    /// Exports `obj`'s buffer (contiguous; writable if the exporter allows writing). A
    /// `TypeError` in the seed's words if `obj` has no buffer protocol.
    pub fn get(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<BufferHold> {
        let mut view: Box<MaybeUninit<ffi::Py_buffer>> = Box::new(MaybeUninit::uninit());
        // SAFETY: `obj` is a live object (a bound reference); `view` is writable memory
        // of a Py_buffer that the call fills on success.
        let rc = unsafe {
            ffi::PyObject_GetBuffer(obj.as_ptr(), view.as_mut_ptr(), ffi::PyBUF_ANY_CONTIGUOUS)
        };
        if rc != 0 {
            let err = PyErr::fetch(obj.py());
            if err.is_instance_of::<PyTypeError>(obj.py()) {
                return Err(PyTypeError::new_err(format!(
                    "Keyword argument '{what}' must support the buffer protocol."
                )));
            }
            return Err(err);
        }
        // SAFETY: `PyObject_GetBuffer` returned 0, so it initialised the Py_buffer.
        let view = unsafe { Box::from_raw(Box::into_raw(view).cast::<ffi::Py_buffer>()) };
        Ok(BufferHold { view })
    }

    /// The first byte.
    pub fn ptr(&self) -> *mut u8 {
        self.view.buf.cast()
    }

    /// The length in bytes (`memoryview(buf).nbytes`).
    pub fn len(&self) -> usize {
        usize::try_from(self.view.len).unwrap_or(0)
    }

    /// Whether the exporter refused writing.
    pub fn readonly(&self) -> bool {
        self.view.readonly != 0
    }
}

impl Drop for BufferHold {
    fn drop(&mut self) {
        Python::attach(|_| {
            // SAFETY: the Py_buffer was filled by a successful `PyObject_GetBuffer` and is
            // released exactly once (here); we are attached to the interpreter.
            unsafe { ffi::PyBuffer_Release(&mut *self.view) }
        });
    }
}

/// A view context's hold on its buffer, shared with the views it opened. `release` drops
/// the buffer; from then on every view of it raises instead of touching the memory.
///
/// Operations check `released` and act while attached to the interpreter (they never
/// detach), and `release` also runs attached, so no operation overlaps a release.
pub struct Lease {
    released: AtomicBool,
    buffer: Mutex<Option<Arc<BufferHold>>>,
}

impl Lease {
    /// A lease on `buffer`.
    pub fn new(buffer: BufferHold) -> Arc<Lease> {
        Arc::new(Lease {
            released: AtomicBool::new(false),
            buffer: Mutex::new(Some(Arc::new(buffer))),
        })
    }

    /// Whether the buffer was released.
    #[inline(always)]
    pub fn is_released(&self) -> bool {
        self.released.load(Ordering::Relaxed)
    }

    /// Releases the buffer (idempotent).
    pub fn release(&self) {
        self.released.store(true, Ordering::Relaxed);
        let held = self.buffer.lock().map(|mut b| b.take());
        drop(held);
    }
}

/// What keeps an atomic's memory alive.
pub enum Keep {
    /// Its own storage.
    Owned(#[allow(dead_code)] Box<Storage>),
    /// A view context's lease: operations raise once it is released.
    Lease(Arc<Lease>),
    /// A buffer held for the object's whole life.
    Buffer(#[allow(dead_code)] BufferHold),
    /// A segment's mapping: operations raise once the segment is closed.
    Map(Arc<MapLease>),
}

/// A segment's mapping, shared by the `Segment` and every object made from its fields.
/// `close` unmaps it; from then on those objects raise instead of touching the memory.
///
/// As for [`Lease`]: operations check `closed` and act while attached to the interpreter
/// (they never detach), and `close` also runs attached, so no operation overlaps the
/// unmapping.
pub struct MapLease {
    closed: AtomicBool,
    seg: Mutex<Option<Arc<RawSegment>>>,
}

impl MapLease {
    /// A lease on an open segment.
    pub fn new(seg: RawSegment) -> Arc<MapLease> {
        Arc::new(MapLease {
            closed: AtomicBool::new(false),
            seg: Mutex::new(Some(Arc::new(seg))),
        })
    }

    /// Whether the segment was closed.
    #[inline(always)]
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// Runs `f` on the open segment; a `ValueError` once it is closed.
    pub fn with<T>(&self, f: impl FnOnce(&RawSegment) -> PyResult<T>) -> PyResult<T> {
        let guard = self.seg.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(seg) => f(seg),
            None => Err(closed_error()),
        }
    }

    /// The open segment itself, kept mapped by the returned handle even if `close` runs
    /// meanwhile (for a blocking wait that runs detached from the interpreter); a
    /// `ValueError` once it is closed.
    pub fn pin(&self) -> PyResult<Arc<RawSegment>> {
        let guard = self.seg.lock().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(closed_error)
    }

    /// Unmaps the segment (idempotent; a wait in progress keeps it mapped until it
    /// returns, see [`MapLease::pin`]).
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        let held = self.seg.lock().map(|mut s| s.take());
        drop(held);
    }
}

/// The `ValueError` for using a closed segment or an object made from its fields.
pub fn closed_error() -> PyErr {
    PyValueError::new_err(
        "Operation forbidden on a closed segment: it was closed (or its `with` block \
         exited), so its mapping is gone; open it again",
    )
}

/// What keeps memory mapped during a blocking call made without the interpreter's lock:
/// a clone of the lease's handle, so a concurrent `close`/`release` only takes effect
/// (unmaps, releases the buffer) once the call is done. Owned storage and held buffers
/// need nothing: the object making the call keeps them.
pub enum Pin {
    /// Nothing to hold.
    None,
    /// A view context's buffer.
    Buffer(#[allow(dead_code)] Arc<BufferHold>),
    /// A segment's mapping.
    Map(#[allow(dead_code)] Arc<RawSegment>),
}

impl Keep {
    /// Holds the memory for a blocking call (see [`Pin`]); the `ValueError` of
    /// [`Keep::check`] once released or closed.
    pub fn pin(&self) -> PyResult<Pin> {
        self.check()?;
        Ok(match self {
            Keep::Lease(l) => {
                let held = l.buffer.lock().unwrap_or_else(|p| p.into_inner()).clone();
                match held {
                    Some(b) => Pin::Buffer(b),
                    None => {
                        return Err(PyValueError::new_err(
                            "Operation forbidden on released view: its context was exited or released.",
                        ));
                    }
                }
            }
            Keep::Map(m) => Pin::Map(m.pin()?),
            _ => Pin::None,
        })
    }

    /// `Ok` while the memory may be used; the seed's `ValueError` after the view's
    /// context exited or was released.
    #[inline(always)]
    pub fn check(&self) -> PyResult<()> {
        match self {
            Keep::Lease(l) if l.is_released() => Err(PyValueError::new_err(
                "Operation forbidden on released view: its context was exited or released.",
            )),
            Keep::Map(m) if m.is_closed() => Err(closed_error()),
            _ => Ok(()),
        }
    }

    /// The flag that says the memory must no longer be used: the lease's `released`, the
    /// mapping's `closed`, or one that stays false (owned storage, a held buffer).
    /// [`Keep::is_released`] is its value.
    ///
    /// # Safety
    ///
    /// The reference is used only while this `Keep` (or a clone of its `Arc`) lives.
    pub unsafe fn gone_flag(&self) -> &'static AtomicBool {
        /// The flag of memory the object keeps for its whole life.
        static NEVER: AtomicBool = AtomicBool::new(false);
        let flag: *const AtomicBool = match self {
            Keep::Lease(l) => &l.released,
            Keep::Map(m) => &m.closed,
            _ => &NEVER,
        };
        // SAFETY: static, or inside the `Arc`'s allocation, which does not move and
        // lives while the caller uses the reference (contract).
        unsafe { &*flag }
    }

    /// Whether the view's context was released.
    #[inline(always)]
    pub fn is_released(&self) -> bool {
        match self {
            Keep::Lease(l) => l.is_released(),
            Keep::Map(m) => m.is_closed(),
            _ => false,
        }
    }
}
