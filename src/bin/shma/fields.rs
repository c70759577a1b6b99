//! `header`, `get`, `set` and `add`: one segment, one field, for scripts.

use std::path::Path;

use shm_atomics::{DynAtomicView, Kind, RawSegment};

use crate::Result;
use crate::out::{open_readonly, open_writable, print};
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

/// `shma get PATH FIELD`.
pub fn get(path: &Path, name: &str) -> Result<()> {
    let seg = open_readonly(path)?;
    let view = field(&seg, name)?;
    let v = view.load().map_err(|e| op_error(name, e))?;
    check(&seg)?;
    print(&format!("{}\n", values::text(&v)))
}

/// `shma set PATH FIELD VALUE`.
pub fn set(path: &Path, name: &str, value: &str) -> Result<()> {
    let seg = open_writable(path)?;
    let view = field(&seg, name)?;
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
