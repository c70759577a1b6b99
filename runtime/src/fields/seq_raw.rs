//! Consistent reads of a `Seq` record in memory described only by a descriptor (a
//! segment opened without its Rust type, as `shma` does): [`read_record`] follows the
//! protocol of `protocol.rs` with the record's values taken from the descriptor, and
//! hands back a [`RecordCopy`] whose values are read like any other field.

use core::fmt;
use core::sync::atomic::Ordering;

use portable_atomic::AtomicU64;
use std::vec;
use std::vec::Vec;

use crate::cell::value::{Kind, write_free_load};
use crate::error::Error;
use crate::fields::copy::load_value;
use crate::fields::process;
use crate::fields::protocol::{self, SeqEnv, TORN};
use crate::fields::seq_error::SeqError;
use crate::layout::FieldType;
use crate::layout::descriptor::LayoutDescBuf;
use crate::view::dynamic::{DynAtomicView, DynValue};
use crate::view::region::Region;

/// A consistent copy of a record, from [`read_record`].
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
/// assert_eq!(copy.load(8, Kind::Uint, 8)?.as_u128(), 4); // y, at 8 in the record
/// assert_eq!(copy.torn_by(), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RecordCopy {
    words: Vec<u128>,
    len: usize,
    seq: u64,
}

impl RecordCopy {
    /// The sequence word the copy belongs to (even).
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
        // SAFETY: `words` holds at least `len` initialised bytes.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr() as *const u8, self.len) }
    }

    /// The value of `kind` and `width` at `offset` in the record (offsets as in the
    /// record's descriptor).
    ///
    /// See [`RecordCopy`] for an example.
    pub fn load(&self, offset: usize, kind: Kind, width: usize) -> Result<DynValue, Error> {
        let region = Region::from_ref(self.bytes()).subregion(offset, width)?;
        DynAtomicView::with_kind(region, kind)?.load()
    }
}

impl fmt::Debug for RecordCopy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordCopy")
            .field("len", &self.len)
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
    fn store(&self, _: u64, _: Ordering) {
        unreachable!("a raw read never writes")
    }
    fn cas(&self, _: u64, _: u64, _: Ordering, _: Ordering) -> Result<u64, u64> {
        unreachable!("a raw read never writes")
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
        0
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
pub fn read_record(
    region: &Region<'_>,
    offset: usize,
    record: &LayoutDescBuf,
    max_checks: Option<u32>,
) -> Result<RecordCopy, RecordError> {
    let at = FieldType::seq_record_offset(record.align);
    let word_ptr = region
        .checked_ptr(offset, 8, 8)
        .map_err(RecordError::Region)?;
    let rec_ptr = offset
        .checked_add(at)
        .ok_or_else(|| {
            RecordError::Region(
                crate::error::SizeError {
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
    let mut values: Vec<(usize, usize)> = Vec::new();
    for leaf in record.leaves() {
        if leaf.width == 16 && region.is_readonly() && !write_free_load(16) {
            return Err(RecordError::Region(
                crate::error::UnsupportedWidth {
                    width: 16,
                    reason: crate::error::WidthReason::NoWriteFreeLoad,
                }
                .into(),
            ));
        }
        values.push((leaf.offset, leaf.width));
    }
    let mut words = vec![0u128; record.size.div_ceil(16).max(1)];
    let dst = words.as_mut_ptr() as *mut u8;
    // SAFETY: the word is in bounds and 8-aligned (checked); the region's memory is only
    // accessed atomically (the `Region` contract); it is only loaded, never written.
    let word = unsafe { AtomicU64::from_ptr(word_ptr as *mut u64) };
    let env = Env { word };
    let seq = protocol::read(
        &env,
        || {
            for &(off, w) in &values {
                // SAFETY: `off + w <= record.size` (a leaf of the record), the record is
                // in bounds and aligned (checked above) and the leaf aligned within it;
                // `words` has `record.size` bytes; a 16-byte load on read-only memory is
                // write-free (checked above).
                unsafe { load_value(rec_ptr.wrapping_add(off), dst.wrapping_add(off), w) }
            }
        },
        true,
        max_checks,
    )
    .map_err(|r| RecordError::Seq(SeqError::from_refusal(r)))?;
    Ok(RecordCopy {
        words,
        len: record.size,
        seq,
    })
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
