//! The native module `shm_atomics._native`: the Python `atomics` and `atomos` APIs on
//! the shm-atomics runtime. The Python package (`python/shm_atomics/`) wraps it with the
//! seed's module layout, enums and exceptions.
//!
//! By concern: `seed` (the seed's op codes, orders, exceptions), `memory` (what keeps
//! memory alive: owned storage, a context's lease on a buffer), `cells` (typed cells per
//! width), `values` (Python <-> value conversions), `ops` (operations on a cell),
//! `methods` (the Python methods, as macros), `kinds` (the seed's classes), `context`
//! (view contexts), `cmpxchg` (`CmpxchgResult`), `atomos` (Java-style classes),
//! `helpers` (alignment and buffer queries), `layout` (layouts declared in Python),
//! `segment` (segment files, their fields as the view classes).

mod atomos;
mod cells;
mod cmpxchg;
mod context;
mod helpers;
mod kinds;
mod layout;
// Without segments (not unix) the mapping lease (`Keep::Map`, `MapLease`) is never made.
#[cfg_attr(not(unix), allow(dead_code))]
mod memory;
mod methods;
mod ops;
mod seed;
// Segments are unix-only (the runtime's `shm` feature): elsewhere `segment` is the
// stand-in whose entry points raise `SegmentError`, and the v2 field classes are absent.
#[cfg(unix)]
mod segment;
#[cfg(not(unix))]
#[path = "nosegment.rs"]
mod segment;
#[cfg(unix)]
mod v2;
mod values;
mod wait;

use pyo3::prelude::*;

/// The native part of `shm_atomics`; import `shm_atomics` instead.
#[pymodule(gil_used = true)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<cmpxchg::CmpxchgResult>()?;
    m.add_class::<context::AtomicViewContext>()?;
    m.add_class::<kinds::PyAtomicAny>()?;
    m.add_class::<kinds::AtomicIntegral>()?;
    m.add_class::<kinds::AtomicInt>()?;
    m.add_class::<kinds::AtomicUint>()?;
    m.add_class::<kinds::AtomicBytes>()?;
    m.add_class::<kinds::AtomicFloat>()?;
    m.add_class::<kinds::AtomicBool>()?;
    m.add_class::<kinds::PyAtomicAnyView>()?;
    m.add_class::<kinds::AtomicIntegralView>()?;
    m.add_class::<kinds::AtomicIntView>()?;
    m.add_class::<kinds::AtomicUintView>()?;
    m.add_class::<kinds::AtomicBytesView>()?;
    m.add_class::<kinds::AtomicFloatView>()?;
    m.add_class::<kinds::AtomicBoolView>()?;
    // atomos' classes under prefixed names: `AtomicFloat` is also the seed-style float.
    let py = m.py();
    m.add("AtomosInteger", py.get_type::<atomos::AtomicInteger>())?;
    m.add("AtomosLong", py.get_type::<atomos::AtomicLong>())?;
    m.add("AtomosFloat", py.get_type::<atomos::AtomicFloat>())?;
    m.add("AtomosBoolean", py.get_type::<atomos::AtomicBoolean>())?;
    m.add_class::<layout::PyLayout>()?;
    #[cfg(unix)]
    {
        m.add_class::<segment::PySegment>()?;
        m.add_class::<v2::PyEvent>()?;
        m.add_class::<v2::PyStriped>()?;
        m.add_class::<v2::PySeq>()?;
        m.add("SegmentError", py.get_type::<segment::SegmentError>())?;
        m.add_function(wrap_pyfunction!(segment::list_segments, m)?)?;
    }
    #[cfg(not(unix))]
    segment::register(m)?;
    m.add_function(wrap_pyfunction!(helpers::alignment_of, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::buffer_info, m)?)?;
    m.add_function(wrap_pyfunction!(helpers::is_lock_free, m)?)?;
    Ok(())
}
