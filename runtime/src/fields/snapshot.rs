//! Whole-layout snapshots in memory described only by a descriptor: [`snapshot_layout`]
//! copies every value of a layout into a [`LayoutCopy`] and reads each `Seq` record
//! through the protocol, so a copy never holds a record mixed from two writes. `ReadOnlySegment::snapshot`, `RawSegment::snapshot`,
//! the CLI and the Python package all take their snapshots here.

use crate::cell::value::Kind;
use crate::cell::width::Width;
use crate::error::{Error, SizeError};
use crate::fields::copy::{for_each_value_buf, load_value, try_walk_values};
use crate::fields::layout_copy::LayoutCopy;
use crate::fields::seq_error::SeqError;
use crate::fields::seq_raw::{RecordError, read_record};
use crate::layout::FieldType;
use crate::layout::descriptor::LayoutDescBuf;
use crate::view::region::Region;

/// A copy of every value of the layout `desc` at the start of `region`: values with
/// one relaxed atomic load each (write-free: works on a read-only mapping), `bool` bytes
/// normalized to 0 or 1, and each `Seq` record through the protocol, so that it is one
/// whole record or is reported as not whole ([`LayoutCopy::is_whole`]): a writer
/// that is busy is waited for while it lives, a writer that died mid-write leaves its
/// odd word in the copy and the values read one by one, and a torn record keeps its
/// TORN word. Striped counters are copied cell by cell (each cell atomically; their sum
/// is not a snapshot). Cost: one pass over the values; the only allocation is the copy.
///
/// See [`LayoutCopy::sequence`] for an example.
pub fn snapshot_layout<'d>(
    region: &Region<'_>,
    desc: &'d LayoutDescBuf,
) -> Result<LayoutCopy<'d>, Error> {
    if region.len() < desc.size {
        return Err(SizeError {
            needed: desc.size,
            got: region.len(),
        }
        .into());
    }
    if desc.has_16_byte_values() {
        Width::W16.check_usable(region.is_readonly())?;
    }
    let mut copy = LayoutCopy::zeroed(desc);
    let out = copy.bytes_mut();
    // Each record first through the protocol; a dead writer's record value by value.
    let whole_record =
        |at: usize, d: &LayoutDescBuf, out: &mut [u8]| match read_record(region, at, d, None) {
            Ok(rec) => {
                put(out, at, &rec.sequence().to_ne_bytes())?;
                let data = at + FieldType::seq_record_offset(d.align);
                put(out, data, rec.bytes())?;
                normalize_bools(d, data, out);
                Ok(false)
            }
            Err(RecordError::Seq(SeqError::DeadWriter { .. })) => Ok(true),
            Err(RecordError::Seq(e)) => {
                unreachable!("an unbounded read gives a copy or a dead writer, not {e:?}")
            }
            Err(RecordError::Region(e)) => Err(e),
        };
    let cell = core::cell::RefCell::new(out);
    try_walk_values(
        desc,
        0,
        &mut |at, width, kind| copy_value(region, at, width, kind, &mut cell.borrow_mut()),
        &mut |at, d| whole_record(at, d, &mut cell.borrow_mut()),
    )?;
    Ok(copy)
}

/// Copies `bytes` into `out` at `at`, or a [`SizeError`] if they do not fit (only a
/// hand-built descriptor whose fields lie outside its size).
fn put(out: &mut [u8], at: usize, bytes: &[u8]) -> Result<(), Error> {
    let got = out.len();
    at.checked_add(bytes.len())
        .and_then(|end| out.get_mut(at..end))
        .ok_or(SizeError {
            needed: at.saturating_add(bytes.len()),
            got,
        })?
        .copy_from_slice(bytes);
    Ok(())
}

/// One value's bytes, atomically, `bool` normalized.
fn copy_value(
    region: &Region<'_>,
    at: usize,
    width: usize,
    kind: Kind,
    out: &mut [u8],
) -> Result<(), Error> {
    let src = region.checked_ptr(at, width, width)?;
    let got = out.len();
    let dst = at
        .checked_add(width)
        .and_then(|end| out.get_mut(at..end))
        .ok_or(SizeError {
            needed: at.saturating_add(width),
            got,
        })?;
    // SAFETY: `src` is in bounds and aligned to `width` (checked), in a region whose
    // memory is only accessed atomically; `dst` has `width` bytes; a 16-byte load on a
    // read-only region is write-free, and on a writable one lock-free (both checked by
    // `snapshot_layout`).
    unsafe { load_value(src, dst.as_mut_ptr(), width) };
    if kind == Kind::Bool {
        dst[0] = (dst[0] != 0) as u8;
    }
    Ok(())
}

/// Normalizes the `bool` values of a record copied at `base` in `out`.
fn normalize_bools(d: &LayoutDescBuf, base: usize, out: &mut [u8]) {
    for_each_value_buf(d, base, &mut |offset, _, kind| {
        if let Some(b) = out.get_mut(offset).filter(|_| kind == Kind::Bool) {
            *b = (*b != 0) as u8;
        }
    });
}
