//! Seq records and striped counters in the CLI: the values of a record come from ONE
//! consistent read of the whole record (`shm_atomics::read_record`, cached while the
//! leaves of one record are shown), and a striped counter is shown as the sum of its
//! cells unless `--cells` asks for each cell.

use shm_atomics::{
    DynAtomicView, DynValue, FieldType, FieldTypeBuf, Kind, Leaf, RawSegment, RecordCopy,
    RecordError, Region, SeqError,
};

use crate::Result;

/// How long a read waits for a live writer: this many liveness checks of about a
/// thousand attempts each (a few milliseconds), then the fields are read one by one.
const MAX_CHECKS: u32 = 16;

/// What to show: a value, or a striped counter's sum.
pub enum Item {
    /// One value (possibly inside a record).
    Leaf(Leaf),
    /// A striped counter, shown as its sum.
    Striped {
        path: String,
        offset: usize,
        kind: Kind,
        width: usize,
        cells: usize,
        stride: usize,
    },
}

impl Item {
    pub fn path(&self) -> &str {
        match self {
            Item::Leaf(l) => &l.path,
            Item::Striped { path, .. } => path,
        }
    }
    pub fn kind(&self) -> Kind {
        match self {
            Item::Leaf(l) => l.kind,
            Item::Striped { kind, .. } => *kind,
        }
    }
    pub fn width(&self) -> usize {
        match self {
            Item::Leaf(l) => l.width,
            Item::Striped { width, .. } => *width,
        }
    }
    pub fn offset(&self) -> usize {
        match self {
            Item::Leaf(l) => l.offset,
            Item::Striped { offset, .. } => *offset,
        }
    }
}

/// The items of `leaves` (in memory order): every leaf, except that the cells of a
/// striped counter become one `Striped` item unless `cells`.
pub fn items<'a>(
    seg: &'a RawSegment,
    leaves: impl Iterator<Item = Leaf> + 'a,
    cells: bool,
) -> impl Iterator<Item = Item> + 'a {
    let d = &seg.info().descriptor;
    leaves.filter_map(move |leaf| {
        if cells {
            return Some(Item::Leaf(leaf));
        }
        match d.enclosing_field(leaf.offset) {
            Some(e) => match *e.ty {
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => (leaf.offset == e.offset).then(|| Item::Striped {
                    path: e.path.clone(),
                    offset: e.offset,
                    kind,
                    width,
                    cells,
                    stride,
                }),
                _ => Some(Item::Leaf(leaf)),
            },
            None => Some(Item::Leaf(leaf)),
        }
    })
}

/// Loads items, reading each record once for all its values.
pub struct Loader<'a> {
    seg: &'a RawSegment,
    /// The last record read: its sequence word's offset and the copy (or why not).
    cache: Option<(usize, std::result::Result<RecordCopy<'a>, RecordError>)>,
}

impl<'a> Loader<'a> {
    pub fn new(seg: &'a RawSegment) -> Self {
        Loader { seg, cache: None }
    }

    /// Forget the cached record (before a new round of `watch`).
    pub fn refresh(&mut self) {
        self.cache = None;
    }

    /// The value and, for a value of a record that could not be read whole, a note.
    pub fn load(&mut self, item: &Item) -> (Result<DynValue>, Option<String>) {
        match item {
            Item::Striped {
                offset,
                kind,
                width,
                cells,
                stride,
                ..
            } => (
                striped_sum(self.seg, *offset, *kind, *width, *cells, *stride),
                None,
            ),
            Item::Leaf(leaf) => self.load_leaf(leaf),
        }
    }

    fn load_leaf(&mut self, leaf: &Leaf) -> (Result<DynValue>, Option<String>) {
        let alone = || {
            self.seg
                .leaf_view(leaf)
                .and_then(|f| f.load())
                .map_err(|e| e.to_string())
        };
        let d = &self.seg.info().descriptor;
        let Some(e) = d.enclosing_field(leaf.offset) else {
            return (alone(), None);
        };
        let FieldTypeBuf::Seq(rec) = e.ty else {
            return (alone(), None);
        };
        if self.cache.as_ref().is_none_or(|(o, _)| *o != e.offset) {
            let copy =
                shm_atomics::read_record(&self.seg.region(), e.offset, rec, Some(MAX_CHECKS));
            self.cache = Some((e.offset, copy));
        }
        let Some((_, copy)) = &self.cache else {
            return (alone(), None);
        };
        let at = e.offset + FieldType::seq_record_offset(rec.align);
        match copy {
            Ok(c) => {
                let v = c
                    .load(leaf.offset - at, leaf.kind, leaf.width)
                    .map_err(|e| e.to_string());
                let note = c
                    .torn_by()
                    .map(|pid| format!("torn: writer {pid} died mid-write, not rewritten since"));
                (v, note)
            }
            Err(RecordError::Seq(SeqError::DeadWriter { pid })) => (
                alone(),
                Some(format!(
                    "writer {pid} died mid-write: read alone, may be mixed"
                )),
            ),
            Err(RecordError::Seq(SeqError::Busy { pid })) => (
                alone(),
                Some(format!("writer {pid} busy: read alone, may be mixed")),
            ),
            Err(e) => (Err(e.to_string()), None),
        }
    }
}

/// The wrapping sum of a striped counter's cells, as a value of the cells' type.
pub fn striped_sum(
    seg: &RawSegment,
    offset: usize,
    kind: Kind,
    width: usize,
    cells: usize,
    stride: usize,
) -> Result<DynValue> {
    let region = seg.region();
    let mut sum = 0u128;
    for i in 0..cells {
        let r = region
            .subregion(offset + i * stride, width)
            .map_err(|e| e.to_string())?;
        let v = DynAtomicView::with_kind(r, kind)
            .and_then(|v| v.load())
            .map_err(|e| e.to_string())?;
        sum = sum.wrapping_add(v.as_u128());
    }
    let mut buf = [0u128; 1];
    // SAFETY: a u128 has 16 initialised bytes; the slice borrows `buf` exclusively.
    let bytes = unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr() as *mut u8, 16) };
    let le = sum.to_le_bytes();
    if cfg!(target_endian = "little") {
        bytes[..width].copy_from_slice(&le[..width]);
    } else {
        for (i, b) in le[..width].iter().enumerate() {
            bytes[width - 1 - i] = *b;
        }
    }
    let r = Region::new(&mut bytes[..width]);
    DynAtomicView::with_kind(r, kind)
        .and_then(|v| v.load())
        .map_err(|e| e.to_string())
}
