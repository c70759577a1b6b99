//! `_Segment`: a segment file opened (or created) through the runtime's `RawSegment`,
//! whose value fields become the seed's view classes over the mapping. Every such object
//! holds the mapping (`Keep::Map`), so it stays mapped while any of them lives; after
//! `close()` they raise `ValueError` instead of touching unmapped memory. The Python
//! class `shm_atomics.Segment` wraps this one (navigation, snapshots, `with`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use shm_atomics_runtime::{
    Error, Kind, LayoutDescBuf, Location, RawSegment, Region, Target, Trust, checked_default_dir,
    list_segments as listed, value_type_name,
};

use crate::cells::{Core, bool_cell, bytes_cell, float_cell, int_cell, make};
use crate::errors::{OPENED_READONLY, SegmentError, path_error, segment_error};
use crate::fields::record::snapshot_record;
use crate::fields::{PyEvent, PySeq, PyStriped};
use crate::kinds::{
    AtomicBoolView, AtomicBytesView, AtomicFloatView, AtomicIntView, AtomicUintView,
};
use crate::layout::PyLayout;
use crate::memory::{Keep, MapLease, closed_error};
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

/// A value a path names (a value, a striped cell, an Event's word) in the mapping.
struct ValueAt {
    /// Its first byte.
    ptr: *mut u8,
    /// Its kind.
    kind: Kind,
    /// Its width in bytes.
    width: usize,
    /// Whether it is read-only (a read-only segment, or a value inside a `Seq` record).
    readonly: bool,
    /// Why it is read-only when the segment is writable (inside which record, and how to
    /// write that record), for the refusal of a store.
    why: Option<Box<str>>,
}

/// Why a value of the record at `record` (a path) is read-only, and how to write it.
fn inside_record(path: &str, record: &str) -> String {
    format!(
        "(`{path}` is a value of the Seq record `{record}`: a store of it alone would tear \
         the record; write the whole record with seg[\"{record}\"].write({{...}}) or \
         seg[\"{record}\"].update({{...}}))"
    )
}

impl PySegment {
    /// Where `path` leads (the runtime's one resolver, `LayoutDescBuf::locate`): the
    /// package's `PathError` (a `KeyError`) if the layout refuses it.
    fn locate<'a>(&'a self, py: Python<'_>, path: &str) -> PyResult<Location<'a>> {
        self.desc.locate(path).map_err(|e| path_error(py, &e))
    }

    /// Whether objects at `loc` are read-only: a read-only segment, or inside a record.
    fn readonly_at(&self, loc: &Location<'_>) -> bool {
        !self.writable || loc.record.is_some()
    }

    /// Why an `Event` or `Striped` object at `loc` (`path`) is read-only, if it is.
    fn why_readonly(&self, path: &str, loc: &Location<'_>) -> Option<Box<str>> {
        if !self.writable {
            return Some(OPENED_READONLY.into());
        }
        let rec = &loc.record.as_ref()?.path;
        Some(
            format!(
                "`{path}` is inside the Seq record `{rec}`: a change of it alone would tear \
                 the record; write the whole record with seg[\"{rec}\"].write({{...}}) or \
                 seg[\"{rec}\"].update({{...}})"
            )
            .into_boxed_str(),
        )
    }

    /// The value at `loc` (`path` names it), if it is one.
    fn value_at(&self, path: &str, loc: &Location<'_>) -> PyResult<Option<ValueAt>> {
        let Some((kind, width)) = loc.target.value() else {
            return Ok(None);
        };
        let (ptr, ro) = self.lease.with(|s| {
            let r = s
                .region()
                .subregion(loc.offset, width)
                .map_err(segment_error)?;
            Ok((r.as_ptr(), r.is_readonly()))
        })?;
        let why = match &loc.record {
            Some(rec) if self.writable => Some(inside_record(path, &rec.path).into_boxed_str()),
            _ => None,
        };
        Ok(Some(ValueAt {
            ptr,
            kind,
            width,
            readonly: ro || self.readonly_at(loc),
            why,
        }))
    }

    /// A core over the value at `path` for an atomos class: `TypeError` unless the
    /// field's kind is one of `kinds` and its width `width` (`what` names the class and
    /// what it needs); it keeps the mapping alive like any field object.
    pub fn core_at<C: Copy>(
        &self,
        py: Python<'_>,
        path: &str,
        kinds: &[Kind],
        width: usize,
        what: &str,
        typed: impl FnOnce(Region<'static>, Kind) -> Result<C, Error>,
    ) -> PyResult<Core<C>> {
        let loc = self.locate(py, path)?;
        let v = match loc.target {
            Target::Value { .. } => self.value_at(path, &loc)?,
            _ => None,
        };
        let Some(v) = v else {
            return Err(PyTypeError::new_err(format!(
                "field `{path}` is not a value ({}): {what}",
                loc.target.describe()
            )));
        };
        if !kinds.contains(&v.kind) || v.width != width {
            return Err(PyTypeError::new_err(format!(
                "field `{path}` is {} ({} bytes): {what}",
                value_type_name(v.kind, v.width),
                v.width
            )));
        }
        let kind = v.kind;
        // SAFETY: as in `field`: `ptr` is `width` bytes inside the payload of the mapping
        // that `Keep::Map` holds (checked bounds), writable unless `readonly`, only
        // accessed atomically; every operation checks the lease first.
        let mut core = unsafe {
            make(
                py,
                v.ptr,
                v.width,
                v.readonly,
                Keep::Map(self.lease.clone()),
                kind,
                |r| typed(r, kind),
            )?
        };
        core.why_readonly = v.why;
        Ok(core)
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

    /// The object at `path` (`net.rx`, `hist[3]`, `hits[1]`), resolved once by the
    /// runtime's `LayoutDescBuf::locate`: a value (or a striped cell) as the view class
    /// of its kind over the mapping; an `Event`, `Striped` or `SeqRecord` object for a
    /// whole field of those types; `("layout", Layout)` for a nested layout and
    /// `("array", len, type)` for a whole array, which `shm_atomics.Segment` wraps.
    /// Values inside a `Seq` record are read-only (a store would bypass the sequence
    /// word, so readers could see a mixed record); the refusal names the record.
    fn field(&self, py: Python<'_>, path: &str) -> PyResult<Py<PyAny>> {
        if self.lease.is_closed() {
            return Err(closed_error());
        }
        let loc = self.locate(py, path)?;
        let readonly = self.why_readonly(path, &loc);
        let lease = || self.lease.clone();
        match &loc.target {
            Target::Value { .. } => {}
            Target::Event => {
                return PyEvent {
                    lease: lease(),
                    offset: loc.offset,
                    readonly,
                }
                .into_py_any(py);
            }
            Target::Striped {
                kind,
                width,
                cells,
                stride,
            } => {
                return PyStriped {
                    lease: lease(),
                    offset: loc.offset,
                    readonly: readonly.clone(),
                    kind: *kind,
                    width: *width,
                    cells: *cells,
                    stride: *stride,
                }
                .into_py_any(py);
            }
            Target::Seq(record) => {
                return PySeq {
                    lease: lease(),
                    offset: loc.offset,
                    record: (*record).clone(),
                    path: path.to_string(),
                    inside: loc.record.as_ref().map(|r| r.path.clone()),
                    writable: self.writable,
                }
                .into_py_any(py);
            }
            Target::Layout(d) => {
                let layout = PyLayout { desc: (*d).clone() };
                return ("layout", layout).into_py_any(py);
            }
            Target::Array { field, len } => {
                return ("array", *len, field.type_name()).into_py_any(py);
            }
            other => {
                return Err(SegmentError::new_err(format!(
                    "field `{path}` is {}, which this version cannot use",
                    other.describe()
                )));
            }
        }
        let Some(v) = self.value_at(path, &loc)? else {
            return Err(SegmentError::new_err(format!(
                "field `{path}` is not a value"
            )));
        };
        let keep = || Keep::Map(self.lease.clone());
        macro_rules! mk {
            ($kind:expr, $typed:expr) => {{
                // SAFETY: `v.ptr` is `v.width` bytes inside the payload of the mapping the
                // lease holds (subregion checked the bounds), writable unless
                // `v.readonly`; the mapping lives until the lease is closed, which every
                // operation checks first (`Keep::Map`). Segment memory is only accessed
                // atomically, by every process (the segment contract); a truncation by a
                // peer is repaired by the runtime's SIGBUS guard, which stays registered
                // while the mapping lives.
                let made = unsafe { make(py, v.ptr, v.width, v.readonly, keep(), $kind, $typed) };
                let mut core = made?;
                core.why_readonly = v.why.clone();
                core
            }};
        }
        match v.kind {
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

    /// Whether `path` names anything in the layout (the runtime's resolver).
    fn has(&self, path: &str) -> bool {
        self.desc.locate(path).is_ok()
    }

    /// Every field's value as a dict (nested layouts as dicts, arrays as lists, a
    /// `Striped` counter as its sum, an `Event` as its generation), from one copy by the
    /// runtime's `RawSegment::snapshot`, which reads each `Seq` record through its
    /// protocol (here a `SeqSnapshot`: values, sequence word, whether whole).
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let seg = self.lease.pin()?;
        let copy = py.detach(|| seg.snapshot()).map_err(segment_error)?;
        let load = |o: usize, k: Kind, w: usize| copy.load(o, k, w).map_err(segment_error);
        let record =
            |path: &str, off: usize, d: &LayoutDescBuf| snapshot_record(py, &copy, path, off, d);
        layout_dict(py, &load, &record, &self.desc, 0, "")
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
        let found = listed(&dir, &Trust::new())
            .map_err(|e| PyOSError::new_err(format!("cannot list {}: {e}", dir.display())))?;
        Ok(found.into_iter().map(|s| s.path).collect())
    })
}
