//! Consistent reads of a `Seq` record in memory described only by a descriptor (a
//! segment opened without its Rust type, as `shma` does): [`read_record`] follows the
//! protocol of `protocol.rs` with the record's values taken from the descriptor, and
//! hands back a [`RecordCopy`] whose values are read like any other field.

use core::fmt;
use core::sync::atomic::Ordering;

use portable_atomic::AtomicU64;
use std::vec::Vec;

use crate::cell::ops::OpType;
use crate::cell::value::Kind;
use crate::cell::width::Width;
use crate::error::{Error, SizeError, UnsupportedOperation};
use crate::fields::copy::{for_each_value_buf, load_value, store_value};
use crate::fields::layout_copy::LayoutCopy;
use crate::fields::process;
use crate::fields::protocol::{self, SeqEnv, TORN, WriteTicket};
use crate::fields::seq_error::SeqError;
use crate::layout::FieldType;
use crate::layout::descriptor::LayoutDescBuf;
use crate::view::dynamic::{DynAtomicView, DynValue, Operand};
use crate::view::region::Region;

/// A copy of a `Seq` record made by [`read_record`] (one consistent read) or
/// [`RecordCopy::zeroed`], whose values are read and changed by path within the record
/// (`x`, `hist[2]`), and which [`update_record`] and [`write_record`] publish whole.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{FieldTypeBuf, Kind, LayoutDescBuf, Layout, Region, Seq, read_record};
///
/// #[atomic_layout]
/// struct Pose { x: u64, y: u64 }
/// #[atomic_layout]
/// struct Robot { pose: Seq<Pose> }
///
/// let robot = Robot::new();
/// robot.pose().write(&PoseSnapshot { x: 3, y: 4, ..Default::default() });
/// // As a tool that only has the descriptor and the bytes would do it:
/// let desc = LayoutDescBuf::from_desc(&Robot::DESC);
/// let FieldTypeBuf::Seq(rec) = &desc.fields[0].ty else { unreachable!() };
/// // SAFETY: the region covers `robot`, which lives and is only accessed atomically.
/// let bytes = unsafe {
///     core::slice::from_raw_parts(&robot as *const Robot as *const u8, Robot::SIZE)
/// };
/// let copy = read_record(&Region::from_ref(bytes), 0, rec, None)?;
/// assert_eq!(copy.get("y")?.as_u128(), 4);
/// assert_eq!(copy.load(8, Kind::Uint, 8)?.as_u128(), 4); // y, at 8 in the record
/// assert_eq!(copy.torn_by(), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RecordCopy<'d> {
    values: LayoutCopy<'d>,
    seq: u64,
}

impl<'d> RecordCopy<'d> {
    /// A record of layout `desc` with every byte zero (sequence 0), to fill with
    /// [`set`](Self::set) and publish whole with [`write_record`].
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::{FieldSpec, Kind, LayoutDescBuf, RecordCopy};
    /// let d = LayoutDescBuf::build("P", vec![FieldSpec::value("x", Kind::Uint, 4)], None)?;
    /// let mut r = RecordCopy::zeroed(&d);
    /// r.set("x", 7u32)?;
    /// assert_eq!(r.get("x")?.as_u128(), 7);
    /// assert!(r.set("x", -1).is_err()); // does not fit a u32
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zeroed(desc: &'d LayoutDescBuf) -> Self {
        RecordCopy {
            values: LayoutCopy::zeroed(desc),
            seq: 0,
        }
    }

    /// The record's layout.
    ///
    /// See [`RecordCopy`] for an example.
    pub fn layout(&self) -> &'d LayoutDescBuf {
        self.values.layout()
    }

    /// The record's values (paths inside the record: `x`, `hist[2]`).
    ///
    /// See [`RecordCopy`] for an example.
    pub fn values(&self) -> &LayoutCopy<'d> {
        &self.values
    }

    /// The sequence word the copy belongs to (even; 0 for [`zeroed`](Self::zeroed)).
    ///
    /// See [`RecordCopy`] for an example.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// The process that tore the record, if it is a dead writer's leftovers.
    ///
    /// See [`RecordCopy`] for an example.
    pub fn torn_by(&self) -> Option<u32> {
        (self.seq & TORN != 0).then_some(protocol::pid_of(self.seq))
    }

    /// The record's bytes.
    ///
    /// See [`RecordCopy`] for an example.
    pub fn bytes(&self) -> &[u8] {
        self.values.bytes()
    }

    /// The value of `kind` and `width` at `offset` in the record (offsets as in the
    /// record's descriptor).
    ///
    /// See [`RecordCopy`] for an example.
    pub fn load(&self, offset: usize, kind: Kind, width: usize) -> Result<DynValue, Error> {
        self.values.load(offset, kind, width)
    }

    /// The value at a path inside the record (`x`, `hist[2]`, `inner.y`; the grammar of
    /// [`LayoutDescBuf::locate`]).
    ///
    /// See [`RecordCopy`] for an example.
    pub fn get(&self, path: &str) -> Result<DynValue, Error> {
        self.values.get(path)
    }

    /// Sets the value at a path inside the record in this copy (nothing is published
    /// until [`update_record`] or [`write_record`]). The operand must fit the value's
    /// kind and width, as for a dynamic store.
    ///
    /// See [`RecordCopy::zeroed`] for an example.
    pub fn set(&mut self, path: &str, value: impl Into<Operand>) -> Result<(), Error> {
        self.values.set(path, value)
    }

    /// A dynamic view of the value at a path inside the record, in this copy (see
    /// [`LayoutCopy::view`]): any operation, published by [`update_record`].
    ///
    /// See [`LayoutCopy::view`] for an example.
    pub fn view(&mut self, path: &str) -> Result<DynAtomicView<'_>, Error> {
        self.values.view(path)
    }
}

impl fmt::Debug for RecordCopy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordCopy")
            .field("layout", &self.layout().name)
            .field("sequence", &self.seq)
            .finish()
    }
}

/// Why [`read_record`] gave no copy.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{RecordError, SeqError};
/// let e = RecordError::Seq(SeqError::DeadWriter { pid: 7 });
/// assert!(e.to_string().contains("process 7"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum RecordError {
    /// The record does not fit the region, is misaligned, or holds a 16-byte value that
    /// this CPU cannot load from read-only memory.
    Region(Error),
    /// The protocol's answer (a dead writer, a live one busy for too long).
    Seq(SeqError),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Region(e) => e.fmt(f),
            RecordError::Seq(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RecordError {}

struct Env<'a> {
    word: &'a AtomicU64,
}

impl SeqEnv for Env<'_> {
    fn load(&self, o: Ordering) -> u64 {
        self.word.load(o)
    }
    fn store(&self, v: u64, o: Ordering) {
        self.word.store(v, o)
    }
    fn cas(&self, current: u64, new: u64, s: Ordering, f: Ordering) -> Result<u64, u64> {
        self.word.compare_exchange(current, new, s, f)
    }
    fn fence(&self, o: Ordering) {
        core::sync::atomic::fence(o)
    }
    fn relax(&self, spins: u32) {
        process::relax(spins)
    }
    fn alive(&self, pid: u32) -> bool {
        process::alive(pid)
    }
    fn me(&self) -> u32 {
        process::me()
    }
}

/// A record in a region: its sequence word, its data, and the values' offsets and widths.
struct Place {
    word: *mut u8,
    data: *mut u8,
    values: Vec<(usize, usize)>,
}

impl Place {
    /// Checks that the record whose word is at `offset` fits `region`, aligned, and that
    /// each of its values can be accessed (`write`: stored; else loaded without writing
    /// on a read-only region).
    fn of(
        region: &Region<'_>,
        offset: usize,
        record: &LayoutDescBuf,
        write: bool,
    ) -> Result<Place, RecordError> {
        if write && region.is_readonly() {
            return Err(RecordError::Region(
                UnsupportedOperation {
                    op: OpType::Store,
                    kind: Kind::Bytes,
                    readonly: true,
                }
                .into(),
            ));
        }
        let word = region
            .checked_ptr(offset, 8, 8)
            .map_err(RecordError::Region)?;
        let data = offset
            .checked_add(FieldType::seq_record_offset(record.align))
            .ok_or_else(|| {
                RecordError::Region(
                    SizeError {
                        needed: usize::MAX,
                        got: region.len(),
                    }
                    .into(),
                )
            })
            .and_then(|o| {
                region
                    .checked_ptr(o, record.size.max(1), record.align.max(1))
                    .map_err(RecordError::Region)
            })?;
        let mut values = Vec::new();
        let mut wide = false;
        for_each_value_buf(record, 0, &mut |offset, width, _| {
            wide |= width == 16;
            values.push((offset, width));
        });
        if wide {
            Width::W16
                .check_usable(region.is_readonly())
                .map_err(|e| RecordError::Region(e.into()))?;
        }
        Ok(Place { word, data, values })
    }

    fn env(&self) -> Env<'_> {
        // SAFETY: the word is in bounds and 8-aligned (checked in `of`); the region's
        // memory is only accessed atomically (the `Region` contract), and it is written
        // only when the region is writable (checked in `of` for writes).
        let word = unsafe { AtomicU64::from_ptr(self.word as *mut u64) };
        Env { word }
    }

    /// Relaxed loads of every value into `copy`.
    fn load_into(&self, copy: &mut RecordCopy<'_>) {
        let dst = copy.values.bytes_mut().as_mut_ptr();
        for &(off, w) in &self.values {
            // SAFETY: `off + w <= record.size` (a leaf of the record), the record is in
            // bounds and aligned (checked in `of`) and the leaf aligned within it;
            // `words` has `record.size` bytes; a 16-byte load is lock-free, and
            // write-free on a read-only region (checked in `of`).
            unsafe { load_value(self.data.wrapping_add(off), dst.wrapping_add(off), w) }
        }
    }

    /// Relaxed stores of every value of `copy` (only while holding the odd word).
    fn store_from(&self, copy: &RecordCopy<'_>) {
        let src = copy.bytes().as_ptr();
        for &(off, w) in &self.values {
            // SAFETY: as in `load_into`, with the region writable (checked in `of`) and
            // `copy` of the same layout (callers check), so `off + w <= words' bytes`.
            unsafe { store_value(src.wrapping_add(off), self.data.wrapping_add(off), w) }
        }
    }
}

/// A consistent copy of the `Seq` record whose sequence word is at `offset` in `region`,
/// the record being described by `record` (a torn record is copied too:
/// [`RecordCopy::torn_by`] tells). Never writes (works on a read-only mapping). A write
/// in progress is waited for while its writer lives, at most `max_checks` liveness checks
/// of about a thousand attempts each (`None`: no limit), then
/// [`SeqError::Busy`]; a dead writer gives [`SeqError::DeadWriter`].
///
/// See [`RecordCopy`] for an example.
pub fn read_record<'d>(
    region: &Region<'_>,
    offset: usize,
    record: &'d LayoutDescBuf,
    max_checks: Option<u32>,
) -> Result<RecordCopy<'d>, RecordError> {
    let place = Place::of(region, offset, record, false)?;
    let mut copy = RecordCopy::zeroed(record);
    let env = place.env();
    let seq = protocol::read(&env, || place.load_into(&mut copy), true, max_checks)
        .map_err(|r| RecordError::Seq(SeqError::from_refusal(r)))?;
    copy.seq = seq;
    Ok(copy)
}

/// Ends a write when dropped (a panicking closure of [`update_record`] leaves the record
/// as it was, published with a new even word).
struct Held<'p> {
    place: &'p Place,
    env: Env<'p>,
    ticket: WriteTicket,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        protocol::end_write(&self.env, &self.ticket, false);
    }
}

impl Held<'_> {
    /// Stores every value of `copy` and ends the write with a whole record (clearing a
    /// torn state); the new even word.
    fn publish(self, copy: &RecordCopy<'_>) -> u64 {
        self.place.store_from(copy);
        let (env, ticket) = (self.place.env(), self.ticket);
        core::mem::forget(self);
        protocol::end_write(&env, &ticket, true);
        protocol::next(ticket.odd, protocol::pid_of(ticket.odd), false)
    }
}

/// Takes the write side of the record at `offset` (waiting for a live writer at most
/// `max_checks` liveness checks, `None`: as long as it lives).
fn begin<'p>(place: &'p Place, max_checks: Option<u32>) -> Result<Held<'p>, RecordError> {
    let env = place.env();
    let ticket = protocol::begin_write(&env, max_checks)
        .map_err(|r| RecordError::Seq(SeqError::from_refusal(r)))?;
    Ok(Held { place, env, ticket })
}

/// Reads the record at `offset` in `region` (described by `record`), lets `f` change the
/// copy, and publishes the result whole, holding the record throughout (no other writer
/// runs in between), as [`Seq::update`](crate::Seq::update). A torn record is not passed
/// to `f`: [`SeqError::Torn`] (write a whole record with [`write_record`] first). An
/// error from `f` publishes nothing (the record keeps its values). `max_checks` bounds
/// the wait for a live writer as in [`read_record`]. Returns the new sequence word.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{FieldTypeBuf, LayoutDescBuf, Layout, Region, Seq, update_record};
///
/// #[atomic_layout]
/// struct Stats { n: u64, sum: u64 }
/// #[atomic_layout]
/// struct Board { stats: Seq<Stats> }
///
/// let mut board = Board::new();
/// let desc = LayoutDescBuf::from_desc(&Board::DESC);
/// let FieldTypeBuf::Seq(rec) = &desc.fields[0].ty else { unreachable!() };
/// // SAFETY: `board` is borrowed mutably for the region's life and has `Board::SIZE` bytes.
/// let bytes = unsafe {
///     core::slice::from_raw_parts_mut(&mut board as *mut Board as *mut u8, Board::SIZE)
/// };
/// update_record(&Region::new(bytes), 0, rec, None, |r| {
///     let n = r.get("n")?.as_u128() as u64;
///     r.set("n", n + 1)?;
///     r.set("sum", 42u64)
/// })?;
/// let s = board.stats().read()?;
/// assert_eq!((s.n, s.sum), (1, 42));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn update_record<'d>(
    region: &Region<'_>,
    offset: usize,
    record: &'d LayoutDescBuf,
    max_checks: Option<u32>,
    f: impl FnOnce(&mut RecordCopy<'d>) -> Result<(), Error>,
) -> Result<u64, RecordError> {
    let place = Place::of(region, offset, record, true)?;
    let held = begin(&place, max_checks)?;
    if let Some(pid) = held.ticket.torn_by {
        // Dropping `held` publishes the record unchanged, still torn.
        return Err(RecordError::Seq(SeqError::Torn { pid }));
    }
    let mut copy = RecordCopy::zeroed(record);
    // We hold the odd word: the data are stable, and our acquiring CAS made the last
    // writer's stores visible.
    place.load_into(&mut copy);
    f(&mut copy).map_err(RecordError::Region)?;
    Ok(held.publish(&copy))
}

/// Publishes `copy` as the whole record at `offset` in `region` (described by `record`,
/// which must be `copy`'s layout), as [`Seq::write`](crate::Seq::write): every value is
/// written, so a torn record is repaired. `max_checks` bounds the wait for a live writer
/// as in [`read_record`]. Returns the new sequence word.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{FieldTypeBuf, LayoutDescBuf, Layout, RecordCopy, Region, Seq, write_record};
///
/// #[atomic_layout]
/// struct Pose { x: f64, y: f64 }
/// #[atomic_layout]
/// struct Robot { pose: Seq<Pose> }
///
/// let mut robot = Robot::new();
/// let desc = LayoutDescBuf::from_desc(&Robot::DESC);
/// let FieldTypeBuf::Seq(rec) = &desc.fields[0].ty else { unreachable!() };
/// let mut pose = RecordCopy::zeroed(rec);
/// pose.set("x", 1.5)?;
/// pose.set("y", -2.0)?;
/// // SAFETY: `robot` is borrowed mutably for the region's life and has `Robot::SIZE` bytes.
/// let bytes = unsafe {
///     core::slice::from_raw_parts_mut(&mut robot as *mut Robot as *mut u8, Robot::SIZE)
/// };
/// write_record(&Region::new(bytes), 0, rec, &pose, None)?;
/// let p = robot.pose().read()?;
/// assert_eq!((p.x, p.y), (1.5, -2.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_record(
    region: &Region<'_>,
    offset: usize,
    record: &LayoutDescBuf,
    copy: &RecordCopy<'_>,
    max_checks: Option<u32>,
) -> Result<u64, RecordError> {
    if copy.layout() != record {
        return Err(RecordError::Region(
            SizeError {
                needed: record.size,
                got: copy.layout().size,
            }
            .into(),
        ));
    }
    let place = Place::of(region, offset, record, true)?;
    let held = begin(&place, max_checks)?;
    Ok(held.publish(copy))
}

/// The outermost record or striped counter that holds a value, from
/// [`LayoutDescBuf::enclosing_field`].
///
/// See [`LayoutDescBuf::enclosing_field`] for an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enclosing<'a> {
    /// The field's path (`pose`, `robots[2].pose`).
    pub path: std::string::String,
    /// Its offset in the layout.
    pub offset: usize,
    /// Its type: [`FieldTypeBuf::Seq`](crate::FieldTypeBuf::Seq) or
    /// [`FieldTypeBuf::Striped`](crate::FieldTypeBuf::Striped).
    pub ty: &'a crate::FieldTypeBuf,
}

impl LayoutDescBuf {
    /// The outermost `Seq` record or `Striped` counter that contains the byte at
    /// `offset`, if any: tools use it to read a record's values from one consistent copy
    /// ([`read_record`]) and to show a counter as the sum of its cells. The descriptor is
    /// walked, not expanded (the cost grows with depth and fields, not array lengths).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{FieldTypeBuf, Layout, LayoutDescBuf, Seq, Striped};
    ///
    /// #[atomic_layout]
    /// struct Pose { x: u64, y: u64 }
    /// #[atomic_layout]
    /// struct Robot { id: u64, pose: Seq<Pose>, hits: Striped<u64, 2> }
    ///
    /// let d = LayoutDescBuf::from_desc(&Robot::DESC);
    /// let leaf = d.leaf("pose.y").expect("a value");
    /// let e = d.enclosing_field(leaf.offset).expect("in a record");
    /// assert_eq!((e.path.as_str(), e.offset), ("pose", 8));
    /// assert!(matches!(e.ty, FieldTypeBuf::Seq(_)));
    /// assert_eq!(d.enclosing_field(d.leaf("hits[1]").unwrap().offset).unwrap().path, "hits");
    /// assert!(d.enclosing_field(0).is_none()); // `id`
    /// ```
    pub fn enclosing_field(&self, offset: usize) -> Option<Enclosing<'_>> {
        use crate::FieldTypeBuf;
        use core::fmt::Write as _;
        let mut desc = self;
        let mut base = 0usize;
        let mut path = std::string::String::new();
        'outer: loop {
            for f in &desc.fields {
                let size = f.ty.size();
                let n = f.array_len.unwrap_or(1);
                let start = base.checked_add(f.offset)?;
                let end = start.checked_add(size.checked_mul(n)?)?;
                if offset < start || offset >= end || size == 0 {
                    continue;
                }
                let i = (offset - start) / size;
                let at = start + i * size;
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&f.name);
                if f.array_len.is_some() {
                    let _ = write!(path, "[{i}]");
                }
                match &f.ty {
                    FieldTypeBuf::Seq(_) | FieldTypeBuf::Striped { .. } => {
                        return Some(Enclosing {
                            path,
                            offset: at,
                            ty: &f.ty,
                        });
                    }
                    FieldTypeBuf::Layout(d) => {
                        desc = d;
                        base = at;
                        continue 'outer;
                    }
                    _ => return None,
                }
            }
            return None;
        }
    }
}
