//! Blocking waits on 32-bit values: `wait(expected, timeout=None)`, `notify_one()` and
//! `notify_all()` on the seed's integer, float and bytes classes (owned and views, segment
//! fields included), through the runtime's `DynAtomicView::wait_timeout` (a futex on
//! Linux). The interpreter's lock is released while blocked; the wait sleeps in slices
//! of at most [`SLICE`] so that Ctrl-C (`KeyboardInterrupt`) and other signal handlers
//! run, and the memory is pinned for the wait (`Keep::pin`), so a concurrent `close()`
//! or context exit takes effect only once the wait returns.

use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use shm_atomics_runtime::{DynAtomicView, Kind, Region, WaitOutcome};

use crate::cells::Core;
use crate::values::PyValue;

/// The longest sleep between checks for signals.
pub const SLICE: Duration = Duration::from_millis(100);

/// A `timeout=` in seconds as a deadline (`None`: no limit); `ValueError` if negative or
/// not a number.
pub fn deadline(timeout: Option<f64>) -> PyResult<Option<Instant>> {
    match timeout {
        None => Ok(None),
        Some(t) if t.is_finite() && t >= 0.0 => {
            Ok(Instant::now().checked_add(Duration::from_secs_f64(t.min(1e9))))
        }
        Some(t) => Err(PyValueError::new_err(format!(
            "timeout must be a non-negative number of seconds or None, not {t}"
        ))),
    }
}

/// How long the next slice sleeps: up to [`SLICE`], never past `deadline`; `None` once
/// the deadline passed.
pub fn next_slice(deadline: Option<Instant>) -> Option<Duration> {
    match deadline {
        None => Some(SLICE),
        Some(d) => d
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .map(|left| left.min(SLICE)),
    }
}

/// A read-only dynamic view of the 4 (or `width`) bytes at `addr`, as `Uint`: waiting and
/// waking only read the word, and the runtime refuses a width other than 4.
///
/// # Safety
///
/// `addr` is valid for reads of `width` bytes while the caller runs, accessed only
/// atomically (the pinned memory of a live core).
unsafe fn word_view(
    addr: usize,
    width: usize,
) -> Result<DynAtomicView<'static>, shm_atomics_runtime::Error> {
    // SAFETY: the caller's contract: valid for reads of `width` bytes for the call (the
    // `'static` does not escape it), accessed only atomically.
    let region = unsafe { Region::from_raw_parts_readonly(addr as *const u8, width) };
    DynAtomicView::with_kind(region, Kind::Uint)
}

/// The 32 bits to compare with: `expected` converted as the object's kind converts a
/// store operand (0 for other widths, which the runtime then refuses).
fn expected_bits<C: Copy>(core: &Core<C>, expected: &Bound<'_, PyAny>) -> PyResult<u32> {
    if core.width != 4 {
        return Ok(0);
    }
    Ok(match core.kind {
        Kind::Int => i32::from_py(expected, "expected")? as u32,
        Kind::Float => f32::from_py(expected, "expected")?.to_bits(),
        Kind::Bytes => u32::from_ne_bytes(<[u8; 4]>::from_py(expected, "expected")?),
        _ => u32::from_py(expected, "expected")?,
    })
}

/// `wait`: blocks while the value equals `expected`; `True` once it differs, `False`
/// when `timeout` seconds passed first.
pub fn wait<C: Copy>(
    py: Python<'_>,
    core: &Core<C>,
    expected: &Bound<'_, PyAny>,
    timeout: Option<f64>,
) -> PyResult<bool> {
    let bits = expected_bits(core, expected)?;
    let deadline = deadline(timeout)?;
    let pin = core.keep.pin()?;
    let (addr, width) = (core.addr, core.width);
    loop {
        // Past the deadline, one last check that does not sleep (so `timeout=0` still
        // says whether the value differs, and refuses a width that cannot wait).
        let (slice, last) = match next_slice(deadline) {
            Some(slice) => (slice, false),
            None => (Duration::ZERO, true),
        };
        let outcome = py.detach(|| {
            // SAFETY: `pin` (alive across this call) keeps the core's memory valid; the
            // core's memory is only accessed atomically.
            unsafe { word_view(addr, width) }?.wait_timeout(bits, slice)
        });
        match outcome.map_err(|e| core.err(py, e))? {
            WaitOutcome::TimedOut if last => {
                drop(pin);
                return Ok(false);
            }
            WaitOutcome::TimedOut => py.check_signals()?,
            _ => return Ok(true),
        }
    }
}

/// `notify_one` / `notify_all`: wakes one or every waiter on the value; how many were
/// woken where the OS says (Linux), else `None`.
pub fn notify<C: Copy>(py: Python<'_>, core: &Core<C>, all: bool) -> PyResult<Option<usize>> {
    core.keep.check()?;
    // SAFETY: the core's memory is valid while its `Keep` is alive and not released
    // (checked above; we stay attached, so no release overlaps), accessed atomically.
    let view = unsafe { word_view(core.addr, core.width) }.map_err(|e| core.err(py, e))?;
    let woken = if all {
        view.notify_all()
    } else {
        view.notify_one()
    };
    woken.map_err(|e| core.err(py, e))
}

/// `wait`, `notify_one` and `notify_all` for a class with a `core`.
macro_rules! wait_methods {
    ($cls:ident) => {
        #[pyo3::pymethods]
        impl $cls {
            /// Blocks while the value equals `expected` (compared by bits), releasing the
            /// interpreter's lock: `True` once it differs, `False` if `timeout` seconds
            /// (`None`: no limit) passed first. Only 4-byte values can be waited on
            /// (`UnsupportedWidthException` otherwise). Wake it with `notify_one()` /
            /// `notify_all()` after changing the value, from any thread or process.
            #[pyo3(signature = (expected, timeout=None))]
            fn wait(
                &self,
                py: pyo3::Python<'_>,
                expected: &pyo3::Bound<'_, pyo3::PyAny>,
                timeout: Option<f64>,
            ) -> pyo3::PyResult<bool> {
                $crate::wait::wait(py, &self.core, expected, timeout)
            }

            /// Wakes one waiter of `wait`; how many were woken (Linux), else `None`.
            fn notify_one(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<Option<usize>> {
                $crate::wait::notify(py, &self.core, false)
            }

            /// Wakes every waiter of `wait`; how many were woken (Linux), else `None`.
            fn notify_all(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<Option<usize>> {
                $crate::wait::notify(py, &self.core, true)
            }
        }
    };
}
pub(crate) use wait_methods;
