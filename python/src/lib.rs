//! The native module `shm_atomics._native`: the Python `atomics` and `atomos` APIs and
//! segment files on the shm-atomics runtime. The Python package (`python/shm_atomics/`)
//! wraps it with the `atomics` package's module layout, enums and exceptions, and
//! registers those classes here when it is imported (`registry`): this module never
//! imports the package.
//!
//! Module map, by concept (a module imports only modules above it in this list):
//! - `codes`: the `atomics` package's numbers: `OpType` codes, `MemoryOrder` values.
//! - `registry`: the classes the package registers (enums, exceptions, `FieldInfo`).
//! - `errors`: every runtime error as a Python exception (the only place that maps them).
//! - `memory`: what keeps memory alive (owned storage, a lease on a buffer, a mapping).
//! - `values`: Python <-> value conversions; `cmpxchg`: `CmpxchgResult`.
//! - `snapshot`: a layout's values as nested dicts and lists, over a loader.
//! - `cells`: typed cells per width and the dispatch macros over them.
//! - `ops`, `methods`, `wait`: the operations, as Python methods written once per
//!   capability; blocking waits on 32-bit values.
//! - `fast`, `fast_table`: the hot methods' fast entry points, installed over
//!   `methods`' PyO3 methods of the same names when the module loads; `fast_int`: their
//!   direct paths for integer cells (the usual call, done with the C API alone);
//!   `capi`: their conversions.
//! - `kinds`: the `atomics` classes (`AtomicInt`, `AtomicIntView`, ...).
//! - `context`: view contexts (`atomicview`).
//! - `alignment`: alignment of a width, a buffer's address, lock-freedom.
//! - `layout`: layouts declared in Python, the version 2 field types included.
//! - `fields`: a segment's `Event`, `Striped` and `Seq` fields as objects.
//! - `segment`: segment files; their value fields as the view classes, the others as
//!   `fields`' objects.
//! - `atomos`: atomos' Java-style classes (also over a segment's fields).

mod alignment;
mod atomos;
mod capi;
mod cells;
mod cmpxchg;
mod codes;
mod context;
// Without segments (not unix) its segment and record errors are never raised.
#[cfg_attr(not(unix), allow(dead_code))]
mod errors;
mod fast;
mod fast_int;
mod fast_table;
#[cfg(unix)]
mod fields;
mod kinds;
mod layout;
// Without segments (not unix) the mapping lease (`Keep::Map`, `MapLease`) is never made.
#[cfg_attr(not(unix), allow(dead_code))]
mod memory;
mod methods;
mod ops;
// Without segments (not unix) the record snapshot class is never used.
#[cfg_attr(not(unix), allow(dead_code))]
mod registry;
// Segments are unix-only (the runtime's `shm` feature): elsewhere `segment` is the
// stand-in whose entry points raise `SegmentError`, and the field classes are absent.
#[cfg(unix)]
mod segment;
#[cfg(not(unix))]
#[path = "nosegment.rs"]
mod segment;
#[cfg(unix)]
mod snapshot;
// Without segments (not unix) the `Striped` field's value conversion is never used.
#[cfg_attr(not(unix), allow(dead_code))]
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
    fast::install::<kinds::AtomicIntegral>(m.py())?;
    fast::install::<kinds::AtomicInt>(m.py())?;
    fast::install::<kinds::AtomicUint>(m.py())?;
    fast::install::<kinds::AtomicBytes>(m.py())?;
    fast::install::<kinds::AtomicFloat>(m.py())?;
    fast::install::<kinds::AtomicBool>(m.py())?;
    fast::install::<kinds::AtomicIntegralView>(m.py())?;
    fast::install::<kinds::AtomicIntView>(m.py())?;
    fast::install::<kinds::AtomicUintView>(m.py())?;
    fast::install::<kinds::AtomicBytesView>(m.py())?;
    fast::install::<kinds::AtomicFloatView>(m.py())?;
    fast::install::<kinds::AtomicBoolView>(m.py())?;
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
        m.add_class::<fields::PyEvent>()?;
        m.add_class::<fields::PyStriped>()?;
        m.add_class::<fields::PySeq>()?;
        m.add("SegmentError", py.get_type::<errors::SegmentError>())?;
        m.add_function(wrap_pyfunction!(segment::list_segments, m)?)?;
    }
    #[cfg(not(unix))]
    segment::register(m)?;
    m.add_function(wrap_pyfunction!(alignment::alignment_of, m)?)?;
    m.add_function(wrap_pyfunction!(alignment::buffer_info, m)?)?;
    m.add_function(wrap_pyfunction!(alignment::is_lock_free, m)?)?;
    m.add_function(wrap_pyfunction!(registry::register, m)?)?;
    Ok(())
}
