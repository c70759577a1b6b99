//! `header`, `get`, `set` and `add`: one segment, one field, for scripts.

use std::path::Path;

use shm_atomics::{DynAtomicView, Kind, RawSegment};

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
/// record), every value of a record (`pose`), or a striped counter's sum (`hits`, each
/// cell with `--cells`).
pub fn get(path: &Path, name: &str, cells: bool) -> Result<()> {
    let seg = open_readonly(path)?;
    let d = &seg.info().descriptor;
    let mut loader = records::Loader::new(&seg);
    let line = |v: Result<shm_atomics::DynValue>, note: Option<String>| -> Result<String> {
        let mut t = values::text(&v.map_err(|e| format!("field {name}: {e}"))?);
        if let Some(n) = note {
            t.push_str(&format!(" ({n})"));
        }
        Ok(t)
    };
    let out = if let Some(leaf) = d.leaf(name) {
        let (v, note) = loader.load(&records::Item::Leaf(leaf));
        line(v, note)? + "\n"
    } else if let Some(f) = whole_field(d, name) {
        // A record or a striped counter named whole: all its values, one per line.
        let mut out = String::new();
        let _ = f;
        let inner = d
            .leaves_where(|p| name.starts_with(p) || under(p, name))
            .filter(|l| under(&l.path, name));
        for item in records::items(&seg, inner, cells) {
            let (v, note) = loader.load(&item);
            let mut t = line(v, note)?;
            if let records::Item::Striped { .. } = item {
                if item.path() == name {
                    out.push_str(&t);
                    out.push('\n');
                    continue;
                }
            }
            t = format!("{} = {t}", item.path());
            out.push_str(&t);
            out.push('\n');
        }
        out
    } else {
        // The library's message for an unknown path.
        field(&seg, name)?;
        return Err(format!("field {name}: not a value"));
    };
    check(&seg)?;
    print(&out)
}

/// Whether `p` is `name` or a path inside it (`name.x`, `name[3]`).
fn under(p: &str, name: &str) -> bool {
    p.strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The Seq or Striped field at exactly `path`, if any.
fn whole_field<'d>(
    d: &'d shm_atomics::LayoutDescBuf,
    path: &str,
) -> Option<&'d shm_atomics::FieldTypeBuf> {
    let first = d
        .leaves_where(|p| path.starts_with(p) || under(p, path))
        .find(|l| under(&l.path, path))?;
    let e = d.enclosing_field(first.offset)?;
    (e.path == path).then_some(e.ty)
}

/// Refuses a single-value write (`set`, `add`) to a value inside a `Seq` record: it
/// would bypass the record's sequence word, so a reader could copy a record that mixes
/// the old and the new values and take it as consistent.
fn not_in_record(seg: &RawSegment, name: &str, verb: &str) -> Result<()> {
    let d = &seg.info().descriptor;
    let Some(leaf) = d.leaf(name) else {
        return Ok(());
    };
    match d.enclosing_field(leaf.offset) {
        Some(e) if matches!(e.ty, shm_atomics::FieldTypeBuf::Seq(_)) => Err(format!(
            "field {name} is inside the Seq record {}: `shma {verb}` would write it without \
             the record's sequence word, so readers could see a record mixing old and new \
             values; write the record from a program with Seq::write or Seq::update",
            e.path
        )),
        _ => Ok(()),
    }
}

/// `shma set PATH FIELD VALUE`.
pub fn set(path: &Path, name: &str, value: &str) -> Result<()> {
    let seg = open_writable(path)?;
    let view = field(&seg, name)?;
    not_in_record(&seg, name, "set")?;
    let operand = values::parse(view.kind(), view.width(), value)
        .map_err(|e| format!("field {name} ({}): {e}", type_of(&view)))?;
    view.store(operand).map_err(|e| op_error(name, e))?;
    check(&seg)
}

/// `shma add PATH FIELD N`: one `fetch_add` (or `fetch_sub` for a negative N on a
/// uint), printing the new value computed from the previous one as the operation did.
pub fn add(path: &Path, name: &str, n: &str) -> Result<()> {
    let seg = open_writable(path)?;
    let view = field(&seg, name)?;
    not_in_record(&seg, name, "add")?;
    let width = view.width();
    let bad = |e: String| format!("field {name} ({}): {e}", type_of(&view));
    let err = |e: shm_atomics::Error| op_error(name, e);
    let new = match view.kind() {
        Kind::Int => {
            let n = parse_int(n).map_err(bad)?;
            let old = view.fetch_add(n).map_err(err)?.as_i128();
            let shift = 128 - 8 * width as u32;
            (old.wrapping_add(n) << shift >> shift).to_string()
        }
        Kind::Uint => {
            let mask = u128::MAX >> (128 - 8 * width as u32);
            match n.strip_prefix('-') {
                Some(magnitude) => {
                    let n = parse_uint(magnitude).map_err(bad)?;
                    let old = view.fetch_sub(n).map_err(err)?.as_u128();
                    (old.wrapping_sub(n) & mask).to_string()
                }
                None => {
                    let n = parse_uint(n).map_err(bad)?;
                    let old = view.fetch_add(n).map_err(err)?.as_u128();
                    (old.wrapping_add(n) & mask).to_string()
                }
            }
        }
        Kind::Float if width == 4 => {
            let n = parse_f32(n).map_err(bad)?;
            let old = view.fetch_add(n).map_err(err)?;
            let old = f32::from_bits(old.bits() as u32);
            format!("{:?}", old + n)
        }
        Kind::Float => {
            let n = parse_f64(n).map_err(bad)?;
            let old = view.fetch_add(n).map_err(err)?;
            let old = f64::from_bits(old.bits() as u64);
            format!("{:?}", old + n)
        }
        // Not arithmetic: the library refuses the operation (before looking at the
        // operand), and its message says what the kind offers.
        Kind::Bool | Kind::Bytes => {
            view.fetch_add(0u8).map_err(err)?;
            return Err(format!("field {name}: add is not supported by this kind"));
        }
    };
    check(&seg)?;
    print(&format!("{new}\n"))
}

/// `u64`, `[u8; 16]`: the field's Rust type, for messages.
fn type_of(view: &DynAtomicView<'_>) -> String {
    shm_atomics::value_type_name(view.kind(), view.width())
}
