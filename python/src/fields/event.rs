//! `Event`: a segment's `Event` field as a Python object, a generation word to wait on
//! for any condition (`wait_until(predicate)`) and to notify after changing the data
//! (the protocol of the Rust `Event`).

use std::sync::Arc;

use pyo3::prelude::*;
use shm_atomics_runtime::Event;

use crate::errors::{SegmentError, refused, segment_error};
use crate::memory::MapLease;
use crate::wait::{deadline, next_slice};

/// A segment's `Event` field: wait until any condition holds, notify after changing
/// the data (the protocol of the Rust `Event`).
#[pyclass(frozen, module = "shm_atomics._native", name = "Event")]
pub struct PyEvent {
    pub(crate) lease: Arc<MapLease>,
    pub(crate) offset: usize,
    /// Why it is read-only, if it is (a read-only segment, or inside a `Seq` record).
    pub(crate) readonly: Option<Box<str>>,
}

impl PyEvent {
    /// Runs `f` on the event in the open segment.
    fn with<T>(&self, f: impl FnOnce(&Event) -> PyResult<T>) -> PyResult<T> {
        self.lease.with(|s| {
            let r = s
                .region()
                .subregion(self.offset, 4)
                .map_err(segment_error)?;
            let ptr = r.as_ptr();
            if !(ptr as usize).is_multiple_of(4) {
                return Err(SegmentError::new_err("misaligned Event field"));
            }
            // SAFETY: 4 bytes at a 4-aligned address inside the mapping (subregion
            // checked), which stays mapped while the lease's lock is held; `Event` is
            // `repr(transparent)` over one atomic u32; on a read-only mapping only its
            // loads run (notifying is refused before).
            f(unsafe { &*ptr.cast::<Event>() })
        })
    }
}

#[pymethods]
impl PyEvent {
    /// The generation: how many notifications there have been (wrapping at 2**32).
    #[getter]
    fn generation(&self) -> PyResult<u32> {
        self.with(|e| Ok(e.generation()))
    }

    /// Blocks until `predicate()` returns true or `timeout` seconds (`None`: no limit)
    /// pass; returns whether it held. The predicate runs (holding the interpreter's lock)
    /// after the generation is read, the wait releases the lock and sleeps only while the
    /// generation is unchanged, so no notification that follows a false predicate is
    /// missed. An exception from the predicate propagates.
    #[pyo3(signature = (predicate, timeout=None))]
    fn wait_until(
        &self,
        py: Python<'_>,
        predicate: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<bool> {
        let deadline = deadline(timeout)?;
        let seg = self.lease.pin()?;
        let offset = self.offset;
        loop {
            let seen = self.generation()?;
            if predicate.call0()?.is_truthy()? {
                return Ok(true);
            }
            let Some(slice) = next_slice(deadline) else {
                return Ok(false);
            };
            let seg = seg.clone();
            let waited = py.detach(move || {
                let r = seg.region().subregion(offset, 4)?;
                // SAFETY: as in `with`: 4 aligned bytes of the mapping, which `seg` (a
                // pin of the lease) keeps mapped; waiting only reads.
                let e = unsafe { &*r.as_ptr().cast::<Event>() };
                Ok::<_, shm_atomics_runtime::Error>(e.wait_for_notify(seen, Some(slice)))
            });
            waited.map_err(segment_error)?;
            py.check_signals()?;
        }
    }

    /// Notifies every waiter (after you changed the data they wait for); how many were
    /// woken (Linux), else `None`.
    fn notify_all(&self) -> PyResult<Option<usize>> {
        if let Some(why) = &self.readonly {
            return Err(refused("notify an Event", why));
        }
        self.with(|e| Ok(e.notify_all()))
    }

    /// Notifies one waiter (only when any one waiter can act on the change: a work
    /// queue); how many were woken (Linux), else `None`.
    fn notify_one(&self) -> PyResult<Option<usize>> {
        if let Some(why) = &self.readonly {
            return Err(refused("notify an Event", why));
        }
        self.with(|e| Ok(e.notify_one()))
    }

    fn __repr__(&self) -> String {
        match self.generation() {
            Ok(g) => format!("Event(generation={g})"),
            Err(_) => "Event(closed)".to_string(),
        }
    }
}
