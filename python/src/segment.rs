//! `_Segment`: a segment file opened (or created) through the runtime's `RawSegment`,
//! whose value fields become the seed's view classes over the mapping. Every such object
//! holds the mapping (`Keep::Map`), so it stays mapped while any of them lives; after
//! `close()` they raise `ValueError` instead of touching unmapped memory. The Python
//! class `shm_atomics.Segment` wraps this one (navigation, snapshots, `with`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyKeyError, PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use shm_atomics_runtime::{
    Error, FieldType, FieldTypeBuf, Kind, LayoutDescBuf, Leaf, RawSegment, Region, Trust,
    checked_default_dir, value_type_name,
};

use crate::cells::{Core, bool_cell, bytes_cell, float_cell, int_cell, make};
use crate::errors::segment_error;
use crate::fields::record::{from_region, seq_snapshot};
use crate::fields::{PyEvent, PySeq, PyStriped};
use crate::kinds::{
    AtomicBoolView, AtomicBytesView, AtomicFloatView, AtomicIntView, AtomicUintView,
};
use crate::layout::PyLayout;
use crate::memory::{Keep, MapLease};
use crate::snapshot::layout_dict;

/// Which owners and modes to accept, from the keyword arguments.
fn trust(
    allow_owner: Option<u32>,
    allow_any_owner: bool,
    allow_group_write: bool,
    allow_other_write: bool,
) -> Trust {
    let mut t = Trust::new();
    if let Some(uid) = allow_owner {
        t = t.allow_owner(uid);
    }
    if allow_any_owner {
        t = t.allow_any_owner();
    }
    if allow_group_write {
        t = t.allow_group_write();
    }
    if allow_other_write {
        t = t.allow_other_write();
    }
    t
}

/// What a field path names: a whole `Event`, `Striped` or `Seq` field, or a value
/// (`inside_seq`: a field of a `Seq` record, which is only read one by one: a single
/// store would bypass the record's sequence word).
enum Target<'a> {
    Event(usize),
    Striped {
        offset: usize,
        kind: Kind,
        width: usize,
        cells: usize,
        stride: usize,
    },
    Seq(usize, &'a LayoutDescBuf),
    Value {
        inside_seq: bool,
    },
}

/// Resolves `path` (names joined by `.`, `[i]` after an array) to its [`Target`]; `None`
/// for anything `LayoutDescBuf::leaf` would not find either.
fn target<'a>(desc: &'a LayoutDescBuf, path: &str) -> Option<Target<'a>> {
    let mut d = desc;
    let mut base = 0usize;
    let mut inside_seq = false;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let (name, mut idx) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let f = d.fields.iter().find(|f| f.name == name)?;
        let mut off = base.checked_add(f.offset)?;
        if let Some(len) = f.array_len {
            let inner = idx.strip_prefix('[')?;
            let close = inner.find(']')?;
            let i: usize = inner[..close].parse().ok().filter(|&i| i < len)?;
            off = off.checked_add(i.checked_mul(f.width())?)?;
            idx = &inner[close + 1..];
        }
        let whole = parts.peek().is_none() && idx.is_empty();
        match &f.ty {
            FieldTypeBuf::Layout(n) => {
                d = n;
                base = off;
            }
            FieldTypeBuf::Seq(n) if whole => return Some(Target::Seq(off, n)),
            FieldTypeBuf::Seq(n) => {
                inside_seq = true;
                d = n;
                base = off.checked_add(FieldType::seq_record_offset(n.align))?;
            }
            FieldTypeBuf::Event if whole && !inside_seq => return Some(Target::Event(off)),
            FieldTypeBuf::Striped {
                kind,
                width,
                cells,
                stride,
            } if whole && !inside_seq => {
                return Some(Target::Striped {
                    offset: off,
                    kind: *kind,
                    width: *width,
                    cells: *cells,
                    stride: *stride,
                });
            }
            _ => return Some(Target::Value { inside_seq }),
        }
    }
    None
}

/// The header as `info()` returns it (see there).
type InfoTuple = (u32, u64, String, u64, u64, u64, u32, f64);

/// The native segment handle; use `shm_atomics.Segment`.
#[pyclass(frozen, module = "shm_atomics._native", name = "_Segment")]
pub struct PySegment {
    lease: Arc<MapLease>,
    writable: bool,
    path: PathBuf,
    desc: LayoutDescBuf,
}

impl PySegment {
    fn wrap(seg: RawSegment) -> PySegment {
        PySegment {
            writable: seg.is_writable(),
            path: seg.path().to_path_buf(),
            desc: seg.info().descriptor.clone(),
            lease: MapLease::new(seg),
        }
    }
}

impl PySegment {
    /// The leaf at `path`, its address, and whether it is read-only (a read-only
    /// segment, or a value inside a `Seq` record); `KeyError` if no value is there.
    fn value_at(&self, path: &str) -> PyResult<(Leaf, *mut u8, bool)> {
        let inside_seq = matches!(
            target(&self.desc, path),
            Some(Target::Value { inside_seq: true })
        );
        let leaf = self.desc.leaf(path).ok_or_else(|| {
            PyKeyError::new_err(format!(
                "no value field `{path}` in layout `{}` (a path is names joined by `.`, with \
                 `[i]` after an array; it must end at a value)",
                self.desc.name
            ))
        })?;
        let (ptr, readonly) = self.lease.with(|s| {
            let r = s
                .region()
                .subregion(leaf.offset, leaf.width)
                .map_err(segment_error)?;
            Ok((r.as_ptr(), r.is_readonly()))
        })?;
        Ok((leaf, ptr, readonly || inside_seq))
    }

    /// A core over the value at `path` for an atomos class: `TypeError` unless the
    /// field's kind is one of `kinds` and its width `width` (`what` names the class and
    /// what it needs); it keeps the mapping alive like any field object.
    pub fn core_at<C>(
        &self,
        py: Python<'_>,
        path: &str,
        kinds: &[Kind],
        width: usize,
        what: &str,
        typed: impl FnOnce(Region<'static>, Kind) -> Result<C, Error>,
    ) -> PyResult<Core<C>> {
        if let Some(Target::Event(_) | Target::Striped { .. } | Target::Seq(..)) =
            target(&self.desc, path)
        {
            return Err(PyTypeError::new_err(format!(
                "field `{path}` is not a value (an Event, Striped or Seq field): {what}"
            )));
        }
        let (leaf, ptr, readonly) = self.value_at(path)?;
        if !kinds.contains(&leaf.kind) || leaf.width != width {
            return Err(PyTypeError::new_err(format!(
                "field `{path}` is {} ({} bytes): {what}",
                value_type_name(leaf.kind, leaf.width),
                leaf.width
            )));
        }
        let kind = leaf.kind;
        // SAFETY: as in `field`: `ptr` is `leaf.width` bytes inside the payload of the
        // mapping that `Keep::Map` holds (checked bounds), writable unless `readonly`,
        // only accessed atomically; every operation checks the lease first.
        unsafe {
            make(
                py,
                ptr,
                leaf.width,
                readonly,
                Keep::Map(self.lease.clone()),
                kind,
                |r| typed(r, kind),
            )
        }
    }
}

#[pymethods]
impl PySegment {
    /// Opens a segment (read-write unless `readonly`), with the runtime's owner and mode
    /// checks relaxed only as the keyword arguments say.
    #[staticmethod]
    #[pyo3(signature = (path, readonly=false, allow_owner=None, allow_any_owner=false,
                        allow_group_write=false, allow_other_write=false))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        readonly: bool,
        allow_owner: Option<u32>,
        allow_any_owner: bool,
        allow_group_write: bool,
        allow_other_write: bool,
    ) -> PyResult<PySegment> {
        let t = trust(
            allow_owner,
            allow_any_owner,
            allow_group_write,
            allow_other_write,
        );
        let seg = py
            .detach(|| {
                if readonly {
                    RawSegment::open_readonly_with(&path, &t)
                } else {
                    RawSegment::open_with(&path, &t)
                }
            })
            .map_err(segment_error)?;
        Ok(PySegment::wrap(seg))
    }

    /// Creates a zeroed segment of `layout` (`FileExistsError` if the file exists).
    #[staticmethod]
    #[pyo3(signature = (path, layout, mode=0o600))]
    fn create(
        py: Python<'_>,
        path: PathBuf,
        layout: PyRef<'_, PyLayout>,
        mode: u32,
    ) -> PyResult<PySegment> {
        let desc = layout.desc.clone();
        let seg = py
            .detach(|| RawSegment::create_with(&path, &desc, mode))
            .map_err(segment_error)?;
        Ok(PySegment::wrap(seg))
    }

    /// The checked per-user directory of bare names (created mode 0700 if missing).
    #[staticmethod]
    fn default_dir() -> PyResult<PathBuf> {
        checked_default_dir().map_err(segment_error)
    }

    /// The segment's layout.
    #[getter]
    fn layout(&self) -> PyLayout {
        PyLayout {
            desc: self.desc.clone(),
        }
    }

    /// The file's path (bare names resolved).
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// Whether fields are read-only.
    #[getter]
    fn readonly(&self) -> bool {
        !self.writable
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.lease.is_closed()
    }

    /// The header: (version, fingerprint, layout name, payload size, header length,
    /// payload offset, creator pid, creation time in seconds since the epoch).
    fn info(&self) -> PyResult<InfoTuple> {
        self.lease.with(|s| {
            let i = s.info();
            let created = i
                .created
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            Ok((
                i.version,
                i.fingerprint,
                i.layout_name().to_string(),
                i.payload_size,
                i.header_len,
                i.payload_offset,
                i.creator_pid,
                created,
            ))
        })
    }

    /// `SegmentError` if a peer truncated the file (the mapping's lost part reads as
    /// zeros and writes reach no one); `None` while the segment is whole.
    fn check(&self) -> PyResult<()> {
        self.lease.with(|s| s.check().map_err(segment_error))
    }

    /// The atomic object of the value at `path` (`net.rx`, `hist[3]`), over the mapping;
    /// an `Event`, `Striped` or `SeqRecord` object for a whole field of those types.
    /// Values inside a `Seq` record are read-only (a store would bypass the sequence
    /// word, so readers could see a mixed record).
    fn field(&self, py: Python<'_>, path: &str) -> PyResult<Py<PyAny>> {
        let readonly = !self.writable;
        match target(&self.desc, path) {
            Some(Target::Event(offset)) => {
                return PyEvent {
                    lease: self.lease.clone(),
                    offset,
                    readonly,
                }
                .into_py_any(py);
            }
            Some(Target::Striped {
                offset,
                kind,
                width,
                cells,
                stride,
            }) => {
                return PyStriped {
                    lease: self.lease.clone(),
                    offset,
                    readonly,
                    kind,
                    width,
                    cells,
                    stride,
                }
                .into_py_any(py);
            }
            Some(Target::Seq(offset, record)) => {
                return PySeq {
                    lease: self.lease.clone(),
                    offset,
                    record: record.clone(),
                }
                .into_py_any(py);
            }
            _ => {}
        }
        let (leaf, ptr, readonly) = self.value_at(path)?;
        let keep = || Keep::Map(self.lease.clone());
        macro_rules! mk {
            ($kind:expr, $typed:expr) => {
                // SAFETY: `ptr` is `leaf.width` bytes inside the payload of the mapping
                // the lease holds (subregion checked the bounds), writable unless
                // `readonly`; the mapping lives until the lease is closed, which every
                // operation checks first (`Keep::Map`). Segment memory is only accessed
                // atomically, by every process (the segment contract); a truncation by a
                // peer is repaired by the runtime's SIGBUS guard, which stays registered
                // while the mapping lives.
                unsafe { make(py, ptr, leaf.width, readonly, keep(), $kind, $typed)? }
            };
        }
        match leaf.kind {
            Kind::Int => AtomicIntView {
                core: mk!(Kind::Int, |r| int_cell(r, true)),
            }
            .into_py_any(py),
            Kind::Uint => AtomicUintView {
                core: mk!(Kind::Uint, |r| int_cell(r, false)),
            }
            .into_py_any(py),
            Kind::Bytes => AtomicBytesView {
                core: mk!(Kind::Bytes, bytes_cell),
            }
            .into_py_any(py),
            Kind::Float => AtomicFloatView {
                core: mk!(Kind::Float, float_cell),
            }
            .into_py_any(py),
            Kind::Bool => AtomicBoolView {
                core: mk!(Kind::Bool, bool_cell),
            }
            .into_py_any(py),
        }
    }

    /// Every field's value as a dict (nested layouts as dicts, arrays as lists, a
    /// `Striped` counter as its sum, an `Event` as its generation), loaded one by one
    /// except that each `Seq` record is read through its protocol (a `SeqSnapshot`).
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let seg = self.lease.pin()?;
        let region = seg.region();
        let load = from_region(&region);
        let record = |off: usize, d: &LayoutDescBuf| seq_snapshot(py, &region, off, d);
        layout_dict(py, &load, &record, &self.desc, 0)
    }

    /// Unmaps the segment (a wait in progress keeps it mapped until it returns); objects
    /// made from its fields raise `ValueError` from now on.
    fn close(&self) {
        self.lease.close();
    }
}

/// The segments in `dir` that open read-only with the default trust, as paths, sorted.
#[pyfunction]
#[pyo3(signature = (dir=None))]
pub fn list_segments(py: Python<'_>, dir: Option<PathBuf>) -> PyResult<Vec<PathBuf>> {
    let dir = match dir {
        Some(d) => d,
        None => checked_default_dir().map_err(segment_error)?,
    };
    py.detach(|| {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| PyOSError::new_err(format!("cannot list {}: {e}", dir.display())))?;
        let mut out: Vec<PathBuf> = entries
            .filter_map(|e| {
                let e = e.ok()?;
                let meta = e.metadata().ok()?;
                if !meta.file_type().is_file() {
                    return None;
                }
                let p = e.path();
                RawSegment::open_readonly(&p).ok().map(|_| p)
            })
            .collect();
        out.sort();
        Ok(out)
    })
}
