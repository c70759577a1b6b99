//! Whole-layout copies in memory described only by a descriptor: [`LayoutCopy`] (values
//! by path in plain bytes) and [`snapshot_layout`], which copies every value of a
//! layout and reads each `Seq` record through the protocol, so a copy never holds a
//! record mixed from two writes. `ReadOnlySegment::snapshot`, `RawSegment::snapshot`,
//! the CLI and the Python package all take their snapshots here.

use core::fmt;
use std::vec;
use std::vec::Vec;

use crate::cell::atomic::Atomic;
use crate::cell::value::{Kind, write_free_load};
use crate::error::{Error, SizeError, UnsupportedWidth, WidthReason};
use crate::fields::copy::load_value;
use crate::fields::protocol::{self, TORN};
use crate::fields::seq_error::SeqError;
use crate::fields::seq_raw::{RecordError, read_record};
use crate::layout::FieldType;
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};
use crate::layout::path::{PathError, PathErrorKind, Target};
use crate::view::dynamic::{DynAtomicView, DynValue, Operand};
use crate::view::region::Region;

/// Plain bytes laid out as a layout (or a record) of a descriptor, with its values read
/// and set by path ([`LayoutDescBuf::locate`]'s grammar). Made by [`snapshot_layout`]
/// (a whole layout) and inside a [`RecordCopy`](crate::RecordCopy) (one record).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, LayoutCopy, LayoutDescBuf};
///
/// #[atomic_layout]
/// struct Net { rx: u64, tx: u64 }
/// let d = LayoutDescBuf::from_desc(&Net::DESC);
/// let mut copy = LayoutCopy::zeroed(&d);
/// copy.set("tx", 9u64)?;
/// assert_eq!(copy.get("tx")?.as_u128(), 9);
/// assert_eq!(&copy.bytes()[8..], &9u64.to_ne_bytes());
/// # Ok::<(), shm_atomics::Error>(())
/// ```
#[derive(Clone)]
pub struct LayoutCopy<'d> {
    desc: &'d LayoutDescBuf,
    /// `desc.size` bytes (rounded up to whole words), 16-aligned like any value.
    words: Vec<u128>,
}

impl<'d> LayoutCopy<'d> {
    /// All bytes zero.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn zeroed(desc: &'d LayoutDescBuf) -> Self {
        LayoutCopy {
            desc,
            words: vec![0u128; desc.size.div_ceil(16).max(1)],
        }
    }

    /// The layout the bytes follow.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn layout(&self) -> &'d LayoutDescBuf {
        self.desc
    }

    /// The bytes (`layout().size` of them).
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `words` holds at least `desc.size` initialised bytes.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr() as *const u8, self.desc.size) }
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.desc.size;
        // SAFETY: `words` holds at least `len` initialised bytes, borrowed mutably.
        unsafe { core::slice::from_raw_parts_mut(self.words.as_mut_ptr() as *mut u8, len) }
    }

    /// The value of `kind` and `width` at `offset` (offsets as in the descriptor).
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn load(&self, offset: usize, kind: Kind, width: usize) -> Result<DynValue, Error> {
        let region = Region::from_ref(self.bytes()).subregion(offset, width)?;
        DynAtomicView::with_kind(region, kind)?.load()
    }

    /// The value at `path`.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn get(&self, path: &str) -> Result<DynValue, Error> {
        let (offset, kind, width) = self.desc.locate(path)?.into_value(path)?;
        self.load(offset, kind, width)
    }

    /// Sets the value at `path` in this copy; the operand must fit the value's kind and
    /// width, as for a dynamic store.
    ///
    /// See [`LayoutCopy`] for an example.
    pub fn set(&mut self, path: &str, value: impl Into<Operand>) -> Result<(), Error> {
        self.view(path)?.store(value)
    }

    /// A dynamic view of the value at `path` in this copy, for any operation
    /// (`fetch_add`, `bit_set`, ...) on the copy's bytes.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, LayoutCopy, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Stats { n: u32 }
    /// let d = LayoutDescBuf::from_desc(&Stats::DESC);
    /// let mut copy = LayoutCopy::zeroed(&d);
    /// assert_eq!(copy.view("n")?.fetch_add(5)?.as_u128(), 0);
    /// assert_eq!(copy.get("n")?.as_u128(), 5);
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn view(&mut self, path: &str) -> Result<DynAtomicView<'_>, Error> {
        let (offset, kind, width) = self.desc.locate(path)?.into_value(path)?;
        let region = Region::new(self.bytes_mut()).subregion(offset, width)?;
        DynAtomicView::with_kind(region, kind)
    }

    /// The sequence word copied for the `Seq` record at `path` (`pose`, `bots[1].pose`),
    /// as [`snapshot_layout`] read it: even and without the TORN bit when the record was
    /// copied whole ([`is_whole`](Self::is_whole)).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, LayoutDescBuf, Region, Seq, snapshot_layout};
    ///
    /// #[atomic_layout]
    /// struct Pose { x: u64 }
    /// #[atomic_layout]
    /// struct Robot { pose: Seq<Pose> }
    ///
    /// let robot = Robot::new();
    /// robot.pose().write(&PoseSnapshot { x: 3 });
    /// let d = LayoutDescBuf::from_desc(&Robot::DESC);
    /// // SAFETY: the region covers `robot`, which lives and is only accessed atomically.
    /// let bytes = unsafe {
    ///     core::slice::from_raw_parts(&robot as *const Robot as *const u8, Robot::SIZE)
    /// };
    /// let snap = snapshot_layout(&Region::from_ref(bytes), &d)?;
    /// assert_eq!(snap.sequence("pose")? & 0x7fff_ffff, 2);
    /// assert!(snap.is_whole("pose")?);
    /// assert_eq!(snap.get("pose.x")?.as_u128(), 3);
    /// assert!(snap.is_whole("pose.x").is_err()); // a value, not a record
    /// # Ok::<(), shm_atomics::Error>(())
    /// ```
    pub fn sequence(&self, path: &str) -> Result<u64, Error> {
        let at = self.desc.locate(path)?;
        if !matches!(at.target, Target::Seq(_)) {
            return Err(PathError {
                path: path.into(),
                at: path.len(),
                kind: PathErrorKind::NotARecord {
                    what: at.target.describe(),
                },
            }
            .into());
        }
        Ok(self.load(at.offset, Kind::Uint, 8)?.as_u128() as u64)
    }

    /// Whether the `Seq` record at `path` was copied whole: the writer was not dead in the
    /// middle of a write, and no dead writer's leftovers were copied. A record that is
    /// not whole holds its values read one by one.
    ///
    /// See [`sequence`](Self::sequence) for an example.
    pub fn is_whole(&self, path: &str) -> Result<bool, Error> {
        let w = self.sequence(path)?;
        Ok(!protocol::is_odd(w) && w & TORN == 0)
    }
}

impl fmt::Debug for LayoutCopy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayoutCopy")
            .field("layout", &self.desc.name)
            .field("size", &self.desc.size)
            .finish()
    }
}

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
    for leaf in d.leaves() {
        if leaf.kind == Kind::Bool {
            let b = &mut out[base + leaf.offset];
            *b = (*b != 0) as u8;
        }
    }
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
