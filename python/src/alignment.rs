//! Where an atomic may live: the alignment a width needs (`alignment_of`, behind
//! `shm_atomics.Alignment`), a buffer's address and size (`buffer_info`, for the
//! alignment checks), and whether a width is lock-free here (`is_lock_free`, which
//! views need).

use pyo3::prelude::*;
use shm_atomics_runtime::{Alignment, Atomic};

use crate::errors::unsupported_width;
use crate::memory::BufferHold;

/// `(recommended, minimum)` alignment of `width` bytes; `UnsupportedWidthException`
/// for a width no atomic has here.
#[pyfunction]
pub fn alignment_of(py: Python<'_>, width: usize) -> PyResult<(usize, usize)> {
    if width == 16 && !Atomic::<u128>::is_lock_free() {
        return Err(unsupported_width(py, width, false));
    }
    let a = Alignment::new(width).map_err(|_| unsupported_width(py, width, false))?;
    Ok((a.recommended(), a.minimum()))
}

/// `(address, nbytes, readonly)` of an object's buffer (exported and released at once).
#[pyfunction]
pub fn buffer_info(buffer: &Bound<'_, PyAny>) -> PyResult<(usize, usize, bool)> {
    let held = BufferHold::get(buffer, "buffer")?;
    Ok((held.ptr() as usize, held.len(), held.readonly()))
}

/// Whether atomics of `width` bytes are lock-free on this CPU (views need it).
#[pyfunction]
pub fn is_lock_free(width: usize) -> bool {
    match width {
        1 | 2 | 4 | 8 => true,
        16 => Atomic::<u128>::is_lock_free(),
        _ => false,
    }
}
