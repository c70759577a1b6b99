//! Relaxed, field-by-field copies of a record between shared memory and plain bytes,
//! driven by a static [`LayoutDesc`]: each value is loaded or stored with one relaxed
//! atomic operation of its own width (so the seqlock protocol has no data race in the
//! Rust/C11 model), padding is never touched.

use core::sync::atomic::Ordering::Relaxed;

use portable_atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64};

#[cfg(feature = "std")]
use crate::cell::value::Kind;
use crate::cell::value::Storage;
#[cfg(feature = "std")]
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};
use crate::layout::{FieldType, LayoutDesc};

/// Calls `f(offset, width)` for every atomic value of `desc` (at any depth), offsets
/// relative to the layout's start.
pub(crate) fn for_each_value(desc: &LayoutDesc, base: usize, f: &mut impl FnMut(usize, usize)) {
    for field in desc.fields {
        let n = field.array_len.unwrap_or(1);
        let size = field.ty.size();
        for i in 0..n {
            let at = base + field.offset + i * size;
            match field.ty {
                FieldType::Value { width, .. } => f(at, width),
                FieldType::Layout(d) => for_each_value(d, at, f),
                FieldType::Seq(d) => {
                    f(at, 8);
                    for_each_value(d, at + FieldType::seq_record_offset(d.align), f);
                }
                FieldType::Striped {
                    width,
                    cells,
                    stride,
                    ..
                } => {
                    for c in 0..cells {
                        f(at + c * stride, width);
                    }
                }
                FieldType::Event => f(at, 4),
                // A field type of a newer runtime: nothing this version can copy.
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
    }
}

/// Walks every atomic value of an owned descriptor at any depth (offsets from `base`),
/// with no allocation and one frame per nesting level: `value(offset, width, kind)` for
/// each value, an Event's word (`Uint`, 4) and each striped cell; for a `Seq` record,
/// `seq(offset, record)` first, and when it answers `true` the walk also visits the
/// sequence word (`Uint`, 8) and the record's values one by one. The first error stops
/// the walk.
#[cfg(feature = "std")]
pub(crate) fn try_walk_values<E>(
    desc: &LayoutDescBuf,
    base: usize,
    value: &mut impl FnMut(usize, usize, Kind) -> Result<(), E>,
    seq: &mut impl FnMut(usize, &LayoutDescBuf) -> Result<bool, E>,
) -> Result<(), E> {
    for field in &desc.fields {
        let size = field.ty.size();
        for i in 0..field.array_len.unwrap_or(1) {
            let at = base + field.offset + i * size;
            match &field.ty {
                FieldTypeBuf::Value { kind, width } => value(at, *width, *kind)?,
                FieldTypeBuf::Layout(d) => try_walk_values(d, at, value, seq)?,
                FieldTypeBuf::Seq(d) => {
                    if seq(at, d)? {
                        value(at, 8, Kind::Uint)?;
                        let data = at + FieldType::seq_record_offset(d.align);
                        try_walk_values(d, data, value, seq)?;
                    }
                }
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    for c in 0..*cells {
                        value(at + c * stride, *width, *kind)?;
                    }
                }
                FieldTypeBuf::Event => value(at, 4, Kind::Uint)?,
            }
        }
    }
    Ok(())
}

/// [`for_each_value`] over an owned descriptor, with each value's kind ([`try_walk_values`]
/// visiting every record's word and values).
#[cfg(feature = "std")]
pub(crate) fn for_each_value_buf(
    desc: &LayoutDescBuf,
    base: usize,
    f: &mut impl FnMut(usize, usize, Kind),
) {
    let r: Result<(), core::convert::Infallible> = try_walk_values(
        desc,
        base,
        &mut |at, width, kind| {
            f(at, width, kind);
            Ok(())
        },
        &mut |_, _| Ok(true),
    );
    let Ok(()) = r;
}

/// Copies one value of `width` bytes from `src` to `dst` with a relaxed atomic load.
///
/// # Safety
/// `src` is aligned to `width`, valid for reads and only accessed atomically; `dst` is
/// valid for `width` bytes of writes; `width` is 1, 2, 4, 8 or 16, and 16 only where the
/// CPU has a lock-free 16-byte load (a `cmpxchg16b` where it has no write-free one, so
/// then `src` must be writable too).
#[inline(always)]
pub(crate) unsafe fn load_value(src: *const u8, dst: *mut u8, width: usize) {
    macro_rules! ld {
        ($a:ty, $t:ty) => {{
            // SAFETY: `src` is aligned and only accessed atomically (the contract); a
            // relaxed load never writes, so `from_ptr`'s writability is not used.
            let v = unsafe { <$a>::from_ptr(src as *mut $t) }.load(Relaxed);
            // SAFETY: `dst` is valid for `width` bytes (the contract), unaligned allowed.
            unsafe { (dst as *mut $t).write_unaligned(v) }
        }};
    }
    match width {
        1 => ld!(AtomicU8, u8),
        2 => ld!(AtomicU16, u16),
        4 => ld!(AtomicU32, u32),
        8 => ld!(AtomicU64, u64),
        _ if crate::cell::value::write_free_load(16) => {
            // SAFETY: aligned, valid, atomically accessed (the contract); the 16-byte
            // load used on this CPU does not write (`load_readonly`'s contract 3).
            let v = unsafe {
                <portable_atomic::AtomicU128 as Storage>::load_readonly(src as *const u128, Relaxed)
            };
            // SAFETY: `dst` is valid for 16 bytes of writes (the contract).
            unsafe { (dst as *mut u128).write_unaligned(v) }
        }
        _ => ld!(portable_atomic::AtomicU128, u128),
    }
}

/// Copies one value of `width` bytes from `src` into shared `dst` with a relaxed store.
///
/// # Safety
/// `dst` is aligned to `width`, valid for writes and only accessed atomically; `src` is
/// valid for `width` bytes of reads; `width` is 1, 2, 4, 8 or 16 (16 lock-free).
#[inline(always)]
pub(crate) unsafe fn store_value(src: *const u8, dst: *mut u8, width: usize) {
    macro_rules! st {
        ($a:ty, $t:ty) => {{
            // SAFETY: `src` is valid for `width` bytes (the contract).
            let v = unsafe { (src as *const $t).read_unaligned() };
            // SAFETY: `dst` is aligned, writable and only accessed atomically.
            unsafe { <$a>::from_ptr(dst as *mut $t) }.store(v, Relaxed)
        }};
    }
    match width {
        1 => st!(AtomicU8, u8),
        2 => st!(AtomicU16, u16),
        4 => st!(AtomicU32, u32),
        8 => st!(AtomicU64, u64),
        _ => st!(portable_atomic::AtomicU128, u128),
    }
}

/// Relaxed copy of every value of a record of layout `desc` at `src` into `dst` (whose
/// padding bytes are left as they are).
///
/// # Safety
/// `src` points to a record of layout `desc` (aligned, valid for reads, only accessed
/// atomically), `dst` is valid for `desc.size` bytes of writes, and every 16-byte value
/// can be loaded lock-free.
#[inline]
pub(crate) unsafe fn load_record(desc: &LayoutDesc, src: *const u8, dst: *mut u8) {
    for_each_value(desc, 0, &mut |off, w| {
        // SAFETY: `off + w <= desc.size` by the descriptor; the contract gives the rest.
        unsafe { load_value(src.wrapping_add(off), dst.wrapping_add(off), w) }
    });
}

/// Relaxed store of every value of `src` (the plain bytes of a record of layout `desc`)
/// into the shared record at `dst`.
///
/// # Safety
/// As [`load_record`] with the roles swapped: `dst` is a record of layout `desc`, valid
/// for writes, `src` valid for `desc.size` bytes of reads.
#[inline]
pub(crate) unsafe fn store_record(desc: &LayoutDesc, src: *const u8, dst: *mut u8) {
    for_each_value(desc, 0, &mut |off, w| {
        // SAFETY: `off + w <= desc.size` by the descriptor; the contract gives the rest.
        unsafe { store_value(src.wrapping_add(off), dst.wrapping_add(off), w) }
    });
}

/// The width shared by every value of `desc` if they all have one width (1, 2, 4 or 8)
/// and cover every byte (no padding, no other field types): such a record is copied as
/// an array of values of that width, without walking the descriptor. 0 otherwise.
pub(crate) const fn uniform_width(desc: &LayoutDesc) -> usize {
    let mut w = 0usize;
    let mut covered = 0usize;
    let mut i = 0;
    while i < desc.fields.len() {
        let f = &desc.fields[i];
        let n = match f.array_len {
            Some(n) => n,
            None => 1,
        };
        let fw = match f.ty {
            FieldType::Value { width, .. } if width <= 8 => width,
            FieldType::Layout(d) => uniform_width(d),
            _ => 0,
        };
        if fw == 0 || (w != 0 && fw != w) {
            return 0;
        }
        w = fw;
        covered += f.ty.size() * n;
        i += 1;
    }
    if covered == desc.size { w } else { 0 }
}

/// Relaxed copy of `len` bytes of values all `W` wide (see [`uniform_width`]).
///
/// # Safety
/// As [`load_record`], for a record whose every value is `W` wide and which has no
/// padding.
#[inline(always)]
pub(crate) unsafe fn load_uniform<const W: usize>(src: *const u8, dst: *mut u8, len: usize) {
    let mut off = 0;
    while off < len {
        // SAFETY: every `W`-byte step of the record is one aligned value (the contract).
        unsafe { load_value(src.wrapping_add(off), dst.wrapping_add(off), W) };
        off += W;
    }
}

/// Relaxed store of `len` bytes of values all `W` wide (see [`uniform_width`]).
///
/// # Safety
/// As [`store_record`], for a record whose every value is `W` wide and which has no
/// padding.
#[inline(always)]
pub(crate) unsafe fn store_uniform<const W: usize>(src: *const u8, dst: *mut u8, len: usize) {
    let mut off = 0;
    while off < len {
        // SAFETY: every `W`-byte step of the record is one aligned value (the contract).
        unsafe { store_value(src.wrapping_add(off), dst.wrapping_add(off), W) };
        off += W;
    }
}
