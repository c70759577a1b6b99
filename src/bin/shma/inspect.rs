//! `shma inspect PATH [--json]`: the header and every field with its value.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use shm_atomics::{FieldTypeBuf, LayoutDescBuf, process_alive, value_type_name};

use crate::json::{self, Object};
use crate::out::{self, open_readonly};
use crate::{Result, records, values};

/// The long help of `inspect`, documenting the JSON keys.
pub const LONG_ABOUT: &str = "Show a segment's header (format version, layout name, \
    fingerprint, sizes, creating process, creation time) and every field: nested fields and \
    array elements as paths (net.rx, latency_us[3]), with kind, width, offset in the payload \
    and current value. The file is opened read-only.\n\n\
    With --json, one JSON object with these keys, always present and in this order:\n\
    \x20 path             string: the file as given\n\
    \x20 format_version   number\n\
    \x20 layout           string: the layout's name\n\
    \x20 fingerprint      string: \"0x\" and 16 lowercase hex digits\n\
    \x20 header_len       size: bytes of header and descriptor\n\
    \x20 payload_offset   size: where the payload starts in the file\n\
    \x20 payload_size     size: bytes\n\
    \x20 creator_pid      number\n\
    \x20 creator_alive    bool: whether a process with that id exists now\n\
    \x20 created_unix_ns  string: creation time, decimal nanoseconds since the Unix \
    epoch (always above 2^53, so a string: a JSON number would lose digits)\n\
    \x20 created          string: the same in UTC, RFC 3339 with milliseconds\n\
    \x20 fields           array, in memory order, of objects with the keys:\n\
    \x20   path    string: net.rx, latency_us[3]\n\
    \x20   kind    string: int, uint, float, bool or bytes\n\
    \x20   type    string: the Rust type, e.g. u64, f32, [u8; 16]\n\
    \x20   width   number: bytes\n\
    \x20   offset  size: from the start of the payload\n\
    \x20   value   int and uint: a number when its magnitude is at most 2^53 (exact in every \
    JSON reader), else a decimal string; float: a number, or the string \"NaN\", \"inf\" or \
    \"-inf\"; bool: true or false; bytes: a string, \"0x\" and two hex digits per byte; \
    null when the value cannot be read here (then the key \"error\" holds the reason)\n\
    A size is a number when it is at most 2^53 (exact in every JSON reader), else a decimal \
    string, as integer values are: no integer is ever written as a number that a reader \
    would round.\n\n\
    The output is streamed while the fields are walked, so a layout of millions of fields \
    starts printing at once and takes memory independent of its size.";

/// The longest leaf path and type name of a layout and its number of leaves, computed
/// from the descriptor's fields (not by listing the leaves, which may be billions).
#[derive(Default)]
struct Shape {
    path: usize,
    ty: usize,
    leaves: usize,
}

fn shape(d: &LayoutDescBuf) -> Shape {
    let mut s = Shape::default();
    for f in &d.fields {
        // `[i]` with the largest index.
        let index = f
            .array_len
            .map_or(0, |n| 2 + n.saturating_sub(1).to_string().len());
        let count = f.array_len.unwrap_or(1);
        let own = f.name.len() + index;
        match &f.ty {
            FieldTypeBuf::Value { kind, width } => {
                s.path = s.path.max(own);
                s.ty = s.ty.max(value_type_name(*kind, *width).len());
                s.leaves = s.leaves.saturating_add(count);
            }
            FieldTypeBuf::Layout(nested) | FieldTypeBuf::Seq(nested) => {
                let n = shape(nested);
                s.path = s.path.max(own + 1 + n.path);
                s.ty = s.ty.max(n.ty);
                s.leaves = s.leaves.saturating_add(count.saturating_mul(n.leaves));
            }
            FieldTypeBuf::Striped {
                kind, width, cells, ..
            } => {
                s.path = s
                    .path
                    .max(own + 2 + cells.saturating_sub(1).to_string().len());
                s.ty = s.ty.max(value_type_name(*kind, *width).len());
                s.leaves = s.leaves.saturating_add(count.saturating_mul(*cells));
            }
            // A value leaf of some width for every other type.
            other => {
                s.path = s.path.max(own);
                s.ty = s.ty.max(other.size().to_string().len() + 4);
                s.leaves = s.leaves.saturating_add(count);
            }
        }
    }
    s
}

/// Writes to stdout; a closed pipe (`shma inspect x | head`) ends the program quietly
/// with success, as `cat` does.
fn emit(w: &mut impl Write, text: &str) -> Result<()> {
    w.write_all(text.as_bytes()).map_err(out::stdout_error)
}

/// `shma inspect PATH [--json]`: one walk over the descriptor, each field written as
/// it is reached.
pub fn run(path: &Path, as_json: bool, cells: bool) -> Result<()> {
    let seg = open_readonly(path)?;
    let mut loader = records::Loader::new(&seg);
    let info = seg.info();
    let alive = process_alive(info.creator_pid) == Some(true);
    let created_ns = out::unix_ns(info.created);
    let fingerprint = format!("{:#018x}", info.fingerprint);
    let mut w = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    if as_json {
        let head = Object::new()
            .str("path", &path.to_string_lossy())
            .int("format_version", info.version)
            .str("layout", info.layout_name())
            .str("fingerprint", &fingerprint)
            .raw("header_len", json::uint(info.header_len.into()))
            .raw("payload_offset", json::uint(info.payload_offset.into()))
            .raw("payload_size", json::uint(info.payload_size.into()))
            .int("creator_pid", info.creator_pid)
            .bool("creator_alive", alive)
            .str("created_unix_ns", &created_ns.to_string())
            .str("created", &out::rfc3339(info.created))
            .unclosed();
        emit(&mut w, &head)?;
        emit(&mut w, ",\"fields\":[")?;
        for (i, item) in records::items(&seg, info.descriptor.leaves(), cells).enumerate() {
            let o = Object::new()
                .str("path", item.path())
                .str("kind", item.kind().name())
                .str("type", &value_type_name(item.kind(), item.width()))
                .int("width", item.width() as i128)
                .raw("offset", json::uint(item.offset() as u128));
            let o = match &item {
                records::Item::Striped { cells, .. } => o.int("cells", *cells as i128),
                records::Item::Leaf(_) => o,
            };
            let (v, note) = loader.load(&item);
            let o = match v {
                Ok(v) => o.raw("value", values::json(&v)),
                Err(e) => o.raw("value", "null").str("error", &e),
            };
            let o = match note {
                Some(n) => o.str("note", &n),
                None => o,
            };
            if i > 0 {
                emit(&mut w, ",")?;
            }
            emit(&mut w, &o.finish())?;
        }
        // After every load: values read after a truncation are zeros, not the segment's,
        // so a shrunk file ends the output unfinished, with the error and exit 2.
        seg.check().map_err(|e| e.to_string())?;
        emit(&mut w, "]}\n")?;
        return w.flush().map_err(out::stdout_error);
    }

    let shape = shape(&info.descriptor);
    let mut line = |k: &str, v: String| emit(&mut w, &format!("{k:<16}{v}\n"));
    line("path", path.display().to_string())?;
    line("format version", info.version.to_string())?;
    line("layout", info.layout_name().to_string())?;
    line("fingerprint", fingerprint)?;
    line("header length", format!("{} bytes", info.header_len))?;
    line(
        "payload",
        format!(
            "{} bytes at offset {}",
            info.payload_size, info.payload_offset
        ),
    )?;
    line(
        "creator pid",
        format!(
            "{} ({})",
            info.creator_pid,
            if alive { "alive" } else { "not running" }
        ),
    )?;
    line(
        "created",
        format!(
            "{} ({} ago, unix ns {created_ns})",
            out::rfc3339(info.created),
            out::human_age(out::age(info.created))
        ),
    )?;
    line("fields", shape.leaves.to_string())?;
    let (w0, w2) = (shape.path.max(5), shape.ty.max(4));
    emit(
        &mut w,
        &format!(
            "\n{:<w0$}  {:<5}  {:<w2$}  {:>5}  {:>6}  {}\n",
            "FIELD", "KIND", "TYPE", "WIDTH", "OFFSET", "VALUE"
        ),
    )?;
    for item in records::items(&seg, info.descriptor.leaves(), cells) {
        let (v, note) = loader.load(&item);
        let mut value = match v {
            Ok(v) => values::text(&v),
            Err(e) => format!("<cannot load: {e}>"),
        };
        if let records::Item::Striped { cells, .. } = &item {
            value.push_str(&format!(" (sum of {cells} cells)"));
        }
        if let Some(n) = note {
            value.push_str(&format!(" ({n})"));
        }
        emit(
            &mut w,
            &format!(
                "{:<w0$}  {:<5}  {:<w2$}  {:>5}  {:>6}  {value}\n",
                item.path(),
                item.kind().name(),
                value_type_name(item.kind(), item.width()),
                item.width(),
                item.offset()
            ),
        )?;
    }
    // After every load: values read after a truncation are zeros, not the segment's.
    seg.check().map_err(|e| e.to_string())?;
    w.flush().map_err(out::stdout_error)
}
