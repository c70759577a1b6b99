//! The typed cells behind the Python objects: one enum per kind with a variant per
//! width, each holding the runtime's typed `Atomic<T>`, so an operation is one `match`
//! on the width and the typed operation (dispatch chosen once, at construction).
//! Read-only memory goes through the runtime's dynamic view instead (`Cell::Ro`), which
//! only loads and never writes (not even a 16-byte load by `cmpxchg16b`).
//!
//! The `&'static` references are really borrowed from the memory a [`Keep`] keeps alive;
//! every operation checks the `Keep` first (see [`Core::rw`], [`Core::live`]).

use std::sync::atomic::AtomicBool;

use pyo3::prelude::*;
use shm_atomics_runtime::{Atomic, DynAtomicView, Error, Kind, Region, Width};

use crate::codes::OpCode;
use crate::errors::{object_error, unsupported_operation, unsupported_width, with_reason};
use crate::memory::Keep;

/// Signed or unsigned integers of 1 to 16 bytes.
#[derive(Clone, Copy)]
#[allow(missing_docs)]
pub enum IntCell {
    I8(&'static Atomic<i8>),
    I16(&'static Atomic<i16>),
    I32(&'static Atomic<i32>),
    I64(&'static Atomic<i64>),
    I128(&'static Atomic<i128>),
    U8(&'static Atomic<u8>),
    U16(&'static Atomic<u16>),
    U32(&'static Atomic<u32>),
    U64(&'static Atomic<u64>),
    U128(&'static Atomic<u128>),
}

/// Raw bytes of 1 to 16 bytes.
#[derive(Clone, Copy)]
#[allow(missing_docs)]
pub enum BytesCell {
    B1(&'static Atomic<[u8; 1]>),
    B2(&'static Atomic<[u8; 2]>),
    B4(&'static Atomic<[u8; 4]>),
    B8(&'static Atomic<[u8; 8]>),
    B16(&'static Atomic<[u8; 16]>),
}

/// IEEE floats of 4 or 8 bytes.
#[derive(Clone, Copy)]
#[allow(missing_docs)]
pub enum FloatCell {
    F32(&'static Atomic<f32>),
    F64(&'static Atomic<f64>),
}

/// A one-byte bool.
#[derive(Clone, Copy)]
pub struct BoolCell(pub &'static Atomic<bool>);

/// Writable memory (a typed cell) or read-only memory (a dynamic view that only loads).
pub enum Cell<C> {
    /// Writable.
    Rw(C),
    /// Read-only.
    Ro(DynAtomicView<'static>),
}

/// A typed cell, the width, and what keeps the memory alive.
pub struct Core<C> {
    /// The operations.
    pub cell: Cell<C>,
    /// The writable cell again (`None` for read-only memory), for the direct paths
    /// (`fast_int.rs`): one tag to test where `cell` has two.
    pub rw: Option<C>,
    /// Width in bytes.
    pub width: usize,
    /// The memory's owner or lease.
    pub keep: Keep,
    /// The flag `keep` sets once the memory must no longer be used (see
    /// [`Keep::gone_flag`]), for the direct paths (`fast_int.rs`) to test in one load.
    /// `'static` as the cells' references are: it lives as long as `keep`.
    pub gone: &'static AtomicBool,
    /// Kind (signedness for integers).
    pub kind: Kind,
    /// The address of the first byte.
    pub addr: usize,
    /// Why the memory is read-only when the object alone does not say it (a value inside
    /// a `Seq` record: which record, and how to write it), added to the refusal of a
    /// write.
    pub why_readonly: Option<Box<str>>,
}

impl<C: Copy> Core<C> {
    /// The writable cell, or the seed's `UnsupportedOperationException` on read-only
    /// memory; a `ValueError` once a view's context was released.
    #[inline(always)]
    pub fn rw(&self, py: Python<'_>, op: OpCode) -> PyResult<C> {
        self.keep.check()?;
        match &self.cell {
            Cell::Rw(c) => Ok(*c),
            Cell::Ro(_) => Err(self.refusal(py, op)),
        }
    }

    /// The refusal of `op` on read-only memory.
    #[cold]
    pub fn refusal(&self, py: Python<'_>, op: OpCode) -> PyErr {
        let e = unsupported_operation(py, op, self.width, true);
        match &self.why_readonly {
            Some(why) => with_reason(py, e, why),
            None => e,
        }
    }

    /// The cell, checked alive.
    #[inline(always)]
    pub fn live(&self) -> PyResult<&Cell<C>> {
        self.keep.check()?;
        Ok(&self.cell)
    }

    /// Whether the memory is read-only.
    pub fn readonly(&self) -> bool {
        matches!(self.cell, Cell::Ro(_))
    }

    /// Maps a runtime error to the seed's exception for this object.
    pub fn err(&self, py: Python<'_>, e: Error) -> PyErr {
        object_error(py, e, self.width, self.readonly())
    }
}

/// Makes a core over `len` bytes at `ptr` for `kind`: the seed's
/// `UnsupportedWidthException` if the kind has no such (lock-free) width, its
/// `AlignmentError` if `ptr` is misaligned.
///
/// # Safety
///
/// 1. `ptr` is valid for reads (and, unless `readonly`, writes) of `len` bytes for as
///    long as `keep` is alive and not released;
/// 2. those bytes are accessed only atomically while so (the seed's contract for the
///    buffer of a view: do not write it by other means while the view is open).
pub unsafe fn make<C: Copy>(
    py: Python<'_>,
    ptr: *mut u8,
    len: usize,
    readonly: bool,
    keep: Keep,
    kind: Kind,
    typed: impl FnOnce(Region<'static>) -> Result<C, Error>,
) -> PyResult<Core<C>> {
    let ok_width = Width::from_bytes(len).is_some_and(|w| kind.allows(w));
    if !ok_width || ptr.is_null() {
        return Err(unsupported_width(py, len, readonly));
    }
    let cell = if readonly {
        // SAFETY: non-null (checked) and valid for reads of `len` bytes while `keep`
        // lives (contract 1); the `'static` is bounded by the `Keep` check every
        // operation does first.
        let region = unsafe { Region::from_raw_parts_readonly(ptr, len) };
        Cell::Ro(
            DynAtomicView::with_kind(region, kind).map_err(|e| object_error(py, e, len, true))?,
        )
    } else {
        // SAFETY: as above, plus writable (contract 1) and accessed only atomically
        // (contract 2).
        let region = unsafe { Region::from_raw_parts(ptr, len) };
        Cell::Rw(typed(region).map_err(|e| object_error(py, e, len, false))?)
    };
    // SAFETY: the flag is static or lives in `keep`'s shared allocation, which the core
    // holds (and never replaces) for as long as it lives.
    let gone = unsafe { keep.gone_flag() };
    let rw = match &cell {
        Cell::Rw(c) => Some(*c),
        Cell::Ro(_) => None,
    };
    Ok(Core {
        cell,
        rw,
        width: len,
        gone,
        keep,
        kind,
        addr: ptr as usize,
        why_readonly: None,
    })
}

/// The integer cell of a region (its length is the width).
pub fn int_cell(r: Region<'static>, signed: bool) -> Result<IntCell, Error> {
    Ok(match (r.len(), signed) {
        (1, true) => IntCell::I8(r.atomic_at(0)?),
        (2, true) => IntCell::I16(r.atomic_at(0)?),
        (4, true) => IntCell::I32(r.atomic_at(0)?),
        (8, true) => IntCell::I64(r.atomic_at(0)?),
        (16, true) => IntCell::I128(r.atomic_at(0)?),
        (1, false) => IntCell::U8(r.atomic_at(0)?),
        (2, false) => IntCell::U16(r.atomic_at(0)?),
        (4, false) => IntCell::U32(r.atomic_at(0)?),
        (8, false) => IntCell::U64(r.atomic_at(0)?),
        _ => IntCell::U128(r.atomic_at(0)?),
    })
}

/// The bytes cell of a region.
pub fn bytes_cell(r: Region<'static>) -> Result<BytesCell, Error> {
    Ok(match r.len() {
        1 => BytesCell::B1(r.atomic_at(0)?),
        2 => BytesCell::B2(r.atomic_at(0)?),
        4 => BytesCell::B4(r.atomic_at(0)?),
        8 => BytesCell::B8(r.atomic_at(0)?),
        _ => BytesCell::B16(r.atomic_at(0)?),
    })
}

/// The float cell of a region.
pub fn float_cell(r: Region<'static>) -> Result<FloatCell, Error> {
    Ok(match r.len() {
        4 => FloatCell::F32(r.atomic_at(0)?),
        _ => FloatCell::F64(r.atomic_at(0)?),
    })
}

/// The bool cell of a region.
pub fn bool_cell(r: Region<'static>) -> Result<BoolCell, Error> {
    Ok(BoolCell(r.atomic_at(0)?))
}

/// Runs `$body` with `$a` bound to the typed atomic of an [`IntCell`].
macro_rules! int_dispatch {
    ($cell:expr, $a:ident => $body:expr) => {
        match $cell {
            $crate::cells::IntCell::I8($a) => $body,
            $crate::cells::IntCell::I16($a) => $body,
            $crate::cells::IntCell::I32($a) => $body,
            $crate::cells::IntCell::I64($a) => $body,
            $crate::cells::IntCell::I128($a) => $body,
            $crate::cells::IntCell::U8($a) => $body,
            $crate::cells::IntCell::U16($a) => $body,
            $crate::cells::IntCell::U32($a) => $body,
            $crate::cells::IntCell::U64($a) => $body,
            $crate::cells::IntCell::U128($a) => $body,
        }
    };
}
pub(crate) use int_dispatch;

/// Runs `$body` with `$a` bound to the typed atomic of a [`BytesCell`] and `$n` to
/// its width as a const.
macro_rules! bytes_dispatch {
    ($cell:expr, $a:ident => $body:expr) => {
        match $cell {
            $crate::cells::BytesCell::B1($a) => $body,
            $crate::cells::BytesCell::B2($a) => $body,
            $crate::cells::BytesCell::B4($a) => $body,
            $crate::cells::BytesCell::B8($a) => $body,
            $crate::cells::BytesCell::B16($a) => $body,
        }
    };
}
pub(crate) use bytes_dispatch;

/// Runs `$body` with `$a` bound to the typed atomic of a [`FloatCell`].
macro_rules! float_dispatch {
    ($cell:expr, $a:ident => $body:expr) => {
        match $cell {
            $crate::cells::FloatCell::F32($a) => $body,
            $crate::cells::FloatCell::F64($a) => $body,
        }
    };
}
pub(crate) use float_dispatch;

/// Runs `$body` with `$a` bound to the [`BoolCell`]'s atomic.
macro_rules! bool_dispatch {
    ($cell:expr, $a:ident => $body:expr) => {{
        let $crate::cells::BoolCell($a) = $cell;
        $body
    }};
}
pub(crate) use bool_dispatch;
