//! `header`, `get`, `set` and `add`: one segment, one field, for scripts.

use std::path::Path;

use shm_atomics::{DynAtomicView, Kind, Leaf, RawSegment, Target};

use crate::Result;
use crate::out::{open_readonly, open_writable, print};
use crate::records;
use crate::values::{self, parse_f32, parse_f64, parse_int, parse_uint};

/// `shma header PATH`: the C header of the stored descriptor.
pub fn header(path: &Path) -> Result<()> {
    let seg = open_readonly(path)?;
    print(&seg.info().descriptor.c_header())
}

/// The view of `field`, with the library's message (which names the file) on failure.
fn field<'a>(seg: &'a RawSegment, field: &str) -> Result<DynAtomicView<'a>> {
    seg.field(field).map_err(|e| e.to_string())
}

/// Refuses to report a value if the file shrank while mapped: a load then saw zeros,
/// or a store went to memory no other process sees (one `shma:` line, exit code 2).
fn check(seg: &RawSegment) -> Result<()> {
    seg.check().map_err(|e| e.to_string())
}

/// The library's message for an operation on `field`, prefixed with the field.
fn op_error(field: &str, e: shm_atomics::Error) -> String {
    format!("field {field}: {e}")
}

/// `shma get PATH FIELD [--cells]`: a value (a record's from one consistent read of the
/// record), a striped counter's sum (`hits`, each cell with `--cells`), or every value
/// under a record, a nested layout or an array (`pose`, `net`, `hist`), one per line.
pub fn get(path: &Path, name: &str, cells: bool) -> Result<()> {
    let seg = open_readonly(path)?;
    let d = &seg.info().descriptor;
    let at = d.locate(name).map_err(|e| e.to_string())?;
    let mut loader = records::Loader::new(&seg);
    let line = |v: Result<shm_atomics::DynValue>, note: Option<String>| -> Result<String> {
        let mut t = values::text(&v.map_err(|e| format!("field {name}: {e}"))?);
        if let Some(n) = note {
            t.push_str(&format!(" ({n})"));
        }
        Ok(t)
    };
    let out = match at.target {
        Target::Value { kind, width } | Target::Striped { kind, width, .. }
            if at.target.value().is_some() || !cells =>
        {
            let item = match at.target {
                Target::Striped { cells, stride, .. } => records::Item::Striped {
                    path: name.to_string(),
                    offset: at.offset,
                    kind,
                    width,
                    cells,
                    stride,
                },
                _ => records::Item::Leaf(Leaf {
                    path: name.to_string(),
                    offset: at.offset,
                    kind,
                    width,
                }),
            };
            let (v, note) = loader.load(&item);
            line(v, note)? + "\n"
        }
        Target::Event => {
            let leaf = Leaf {
                path: name.to_string(),
                offset: at.offset,
                kind: Kind::Uint,
                width: 4,
            };
            let (v, note) = loader.load(&records::Item::Leaf(leaf));
            line(v, note)? + "\n"
        }
        _ => {
            // A whole record, layout, array or (with --cells) striped counter: every
            // value under it, one per line. The walk enters only the fields on the way.
            let mut out = String::new();
            let inner = d
                .leaves_where(|p| name.starts_with(p) || under(p, name))
                .filter(|l| under(&l.path, name));
            for item in records::items(&seg, inner, cells) {
                let (v, note) = loader.load(&item);
                out.push_str(&format!("{} = {}\n", item.path(), line(v, note)?));
            }
            out
        }
    };
    check(&seg)?;
    print(&out)
}

/// Whether the leaf path `p` is `name` or a path inside it (`name.x`, `name[3]`): both
/// come from the descriptor (`name` was resolved by `locate`), so this compares the
/// walk's own spellings, it parses nothing.
fn under(p: &str, name: &str) -> bool {
    p.strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Where a single-value write goes: a view of the field, or, for a value inside a `Seq`
/// record, the record (written whole through the protocol) and the value's path in it.
enum Dest<'a> {
    Field(DynAtomicView<'a>),
    Record { record: String, inner: String },
}

/// Resolves `name` for `set`/`add`: a single value, and where writing it goes.
fn dest<'a>(seg: &'a RawSegment, name: &str) -> Result<(Dest<'a>, Kind, usize)> {
    let at = seg
        .info()
        .descriptor
        .locate(name)
        .map_err(|e| e.to_string())?;
    let record = at.record.clone();
    let (_, kind, width) = at.into_value(name).map_err(|e| e.to_string())?;
    let dest = match record {
        Some(r) => Dest::Record {
            inner: name[r.path.len() + 1..].to_string(),
            record: r.path,
        },
        None => Dest::Field(field(seg, name)?),
    };
    Ok((dest, kind, width))
}

/// Runs `op` on the value `name`: on the field itself, or for a value inside a record,
/// on a copy of the record that is then published whole (`update_record`: the
/// protocol's write, so readers never see half of it). Returns `op`'s result.
fn with_value<T>(
    seg: &RawSegment,
    name: &str,
    dest: Dest<'_>,
    op: impl FnOnce(&DynAtomicView<'_>) -> std::result::Result<T, shm_atomics::Error>,
) -> Result<T> {
    match dest {
        Dest::Field(view) => op(&view).map_err(|e| op_error(name, e)),
        Dest::Record { record, inner } => {
            let mut out = None;
            seg.update_record(&record, |r| {
                out = Some(op(&r.view(&inner)?)?);
                Ok(())
            })
            .map_err(|e| format!("field {name} (in the Seq record {record}): {e}"))?;
            out.ok_or_else(|| format!("field {name}: the record was not written"))
        }
    }
}

/// `shma set PATH FIELD VALUE`. A value inside a `Seq` record is written through the
/// record's protocol (the record is read, changed and published whole).
pub fn set(path: &Path, name: &str, value: &str) -> Result<()> {
    let seg = open_writable(path)?;
    let (dest, kind, width) = dest(&seg, name)?;
    let operand = values::parse(kind, width, value)
        .map_err(|e| format!("field {name} ({}): {e}", type_name(kind, width)))?;
    with_value(&seg, name, dest, |v| v.store(operand))?;
    check(&seg)
}

/// `shma add PATH FIELD N`: one `fetch_add` (or `fetch_sub` for a negative N on a
/// uint), printing the new value computed from the previous one as the operation did.
/// Inside a `Seq` record, the addition is made on the record under its protocol.
pub fn add(path: &Path, name: &str, n: &str) -> Result<()> {
    let seg = open_writable(path)?;
    let (dest, kind, width) = dest(&seg, name)?;
    let bad = |e: String| format!("field {name} ({}): {e}", type_name(kind, width));
    let new = match kind {
        Kind::Int => {
            let n = parse_int(n).map_err(bad)?;
            let old = with_value(&seg, name, dest, |v| v.fetch_add(n))?.as_i128();
            let shift = 128 - 8 * width as u32;
            (old.wrapping_add(n) << shift >> shift).to_string()
        }
        Kind::Uint => {
            let mask = u128::MAX >> (128 - 8 * width as u32);
            match n.strip_prefix('-') {
                Some(magnitude) => {
                    let n = parse_uint(magnitude).map_err(bad)?;
                    let old = with_value(&seg, name, dest, |v| v.fetch_sub(n))?.as_u128();
                    (old.wrapping_sub(n) & mask).to_string()
                }
                None => {
                    let n = parse_uint(n).map_err(bad)?;
                    let old = with_value(&seg, name, dest, |v| v.fetch_add(n))?.as_u128();
                    (old.wrapping_add(n) & mask).to_string()
                }
            }
        }
        Kind::Float if width == 4 => {
            let n = parse_f32(n).map_err(bad)?;
            let old = with_value(&seg, name, dest, |v| v.fetch_add(n))?;
            let old = f32::from_bits(old.bits() as u32);
            format!("{:?}", old + n)
        }
        Kind::Float => {
            let n = parse_f64(n).map_err(bad)?;
            let old = with_value(&seg, name, dest, |v| v.fetch_add(n))?;
            let old = f64::from_bits(old.bits() as u64);
            format!("{:?}", old + n)
        }
        // Not arithmetic: the library refuses the operation (before looking at the
        // operand), and its message says what the kind offers.
        Kind::Bool | Kind::Bytes => {
            with_value(&seg, name, dest, |v| v.fetch_add(0u8))?;
            return Err(format!("field {name}: add is not supported by this kind"));
        }
    };
    check(&seg)?;
    print(&format!("{new}\n"))
}

/// `u64`, `[u8; 16]`: the field's Rust type, for messages.
fn type_name(kind: Kind, width: usize) -> String {
    shm_atomics::value_type_name(kind, width)
}
