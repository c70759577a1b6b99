//! Whole-layout snapshots in memory described only by a descriptor: [`snapshot_layout`]
//! copies every value of a layout into a [`LayoutCopy`] and reads each `Seq` record
//! through the protocol, so a copy never holds a record mixed from two writes. `ReadOnlySegment::snapshot`, `RawSegment::snapshot`,
//! the CLI and the Python package all take their snapshots here.

use crate::cell::atomic::Atomic;
use crate::cell::value::{Kind, write_free_load};
use crate::error::{Error, SizeError, UnsupportedWidth, WidthReason};
use crate::fields::copy::{for_each_value_buf, load_value};
use crate::fields::layout_copy::LayoutCopy;
use crate::fields::seq_error::SeqError;
use crate::fields::seq_raw::{RecordError, read_record};
use crate::layout::FieldType;
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};
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
        let reason = if region.is_readonly() {
            (!write_free_load(16)).then_some(WidthReason::NoWriteFreeLoad)
        } else {
            (!Atomic::<u128>::is_lock_free()).then_some(WidthReason::NotLockFree)
        };
        if let Some(reason) = reason {
            return Err(UnsupportedWidth { width: 16, reason }.into());
        }
    }
    let mut copy = LayoutCopy::zeroed(desc);
    copy_layout(region, desc, 0, copy.bytes_mut(), true)?;
    Ok(copy)
}

/// Copies the values of `desc` at `base` in `region` into `out` at the same offsets;
/// `records` says whether a `Seq` is read through the protocol (false inside a record
/// whose writer died: its values one by one).
fn copy_layout(
    region: &Region<'_>,
    desc: &LayoutDescBuf,
    base: usize,
    out: &mut [u8],
    records: bool,
) -> Result<(), Error> {
    for f in &desc.fields {
        let size = f.ty.size();
        for i in 0..f.array_len.unwrap_or(1) {
            let at = base + f.offset + i * size;
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => copy_value(region, at, *width, *kind, out)?,
                FieldTypeBuf::Event => copy_value(region, at, 4, Kind::Uint, out)?,
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    for c in 0..*cells {
                        copy_value(region, at + c * stride, *width, *kind, out)?;
                    }
                }
                FieldTypeBuf::Layout(d) => copy_layout(region, d, at, out, records)?,
                FieldTypeBuf::Seq(d) => copy_seq(region, d, at, out, records)?,
            }
        }
    }
    Ok(())
}

/// Copies the `Seq` record whose word is at `at`: one consistent read, or (its writer
/// dead mid-write, or `records` false) the word as it is and the values one by one.
fn copy_seq(
    region: &Region<'_>,
    d: &LayoutDescBuf,
    at: usize,
    out: &mut [u8],
    records: bool,
) -> Result<(), Error> {
    let data = at + FieldType::seq_record_offset(d.align);
    if records {
        match read_record(region, at, d, None) {
            Ok(rec) => {
                let got = out.len();
                let room = SizeError {
                    needed: data.saturating_add(d.size),
                    got,
                };
                out.get_mut(at..at + 8)
                    .ok_or(room)?
                    .copy_from_slice(&rec.sequence().to_ne_bytes());
                out.get_mut(data..data + d.size)
                    .ok_or(room)?
                    .copy_from_slice(rec.bytes());
                normalize_bools(d, data, out);
                return Ok(());
            }
            Err(RecordError::Seq(SeqError::DeadWriter { .. })) => {}
            Err(RecordError::Seq(e)) => {
                unreachable!("an unbounded read gives a copy or a dead writer, not {e:?}")
            }
            Err(RecordError::Region(e)) => return Err(e),
        }
    }
    copy_value(region, at, 8, Kind::Uint, out)?;
    copy_layout(region, d, data, out, false)
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

impl LayoutDescBuf {
    /// Whether any value at any depth is 16 bytes wide.
    pub(crate) fn has_16_byte_values(&self) -> bool {
        self.fields.iter().any(|f| match &f.ty {
            FieldTypeBuf::Value { width, .. } | FieldTypeBuf::Striped { width, .. } => *width == 16,
            FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) => d.has_16_byte_values(),
            FieldTypeBuf::Event => false,
        })
    }
}
