//! `shma inspect PATH [--json]`: the header and every field with its value.

use std::path::Path;

use shm_atomics::{Leaf, RawSegment, value_type_name};

use crate::json::{self, Object};
use crate::out::{self, open_readonly, print};
use crate::{Result, values};

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
    \x20 header_len       number: bytes of header and descriptor\n\
    \x20 payload_offset   number: where the payload starts in the file\n\
    \x20 payload_size     number: bytes\n\
    \x20 creator_pid      number\n\
    \x20 creator_alive    bool: whether a process with that id exists now\n\
    \x20 created_unix_ns  number: creation time, nanoseconds since the Unix epoch\n\
    \x20 created          string: the same in UTC, RFC 3339 with milliseconds\n\
    \x20 fields           array, in memory order, of objects with the keys:\n\
    \x20   path    string: net.rx, latency_us[3]\n\
    \x20   kind    string: int, uint, float, bool or bytes\n\
    \x20   type    string: the Rust type, e.g. u64, f32, [u8; 16]\n\
    \x20   width   number: bytes\n\
    \x20   offset  number: from the start of the payload\n\
    \x20   value   int and uint: a number when its magnitude is at most 2^53 (exact in every \
    JSON reader), else a decimal string; float: a number, or the string \"NaN\", \"inf\" or \
    \"-inf\"; bool: true or false; bytes: a string, \"0x\" and two hex digits per byte; \
    null when the value cannot be read here (then the key \"error\" holds the reason)";

/// One field's value as text or JSON, or the reason it cannot be loaded (a 16-byte
/// field is loaded read-only only where that is write-free).
fn load(seg: &RawSegment, leaf: &Leaf) -> Result<shm_atomics::DynValue> {
    seg.field(&leaf.path)
        .and_then(|f| f.load())
        .map_err(|e| e.to_string())
}

/// `shma inspect PATH [--json]`.
pub fn run(path: &Path, as_json: bool) -> Result<()> {
    let seg = open_readonly(path)?;
    let info = seg.info();
    let leaves = info.descriptor.leaves();
    let alive = out::pid_alive(info.creator_pid);
    let created_ns = out::unix_ns(info.created);
    let fingerprint = format!("{:#018x}", info.fingerprint);
    if as_json {
        let fields = leaves.iter().map(|leaf| {
            let o = Object::new()
                .str("path", &leaf.path)
                .str("kind", leaf.kind.name())
                .str("type", &value_type_name(leaf.kind, leaf.width))
                .int("width", leaf.width as i128)
                .int("offset", leaf.offset as i128);
            match load(&seg, leaf) {
                Ok(v) => o.raw("value", values::json(&v)),
                Err(e) => o.raw("value", "null").str("error", &e),
            }
            .finish()
        });
        let doc = Object::new()
            .str("path", &path.to_string_lossy())
            .int("format_version", info.version)
            .str("layout", info.layout_name())
            .str("fingerprint", &fingerprint)
            .int("header_len", info.header_len)
            .int("payload_offset", info.payload_offset)
            .int("payload_size", info.payload_size)
            .int("creator_pid", info.creator_pid)
            .bool("creator_alive", alive)
            .raw("created_unix_ns", created_ns.to_string())
            .str("created", &out::rfc3339(info.created))
            .raw("fields", json::array(fields))
            .finish();
        // After every load: values read after a truncation are zeros, not the segment's.
        seg.check().map_err(|e| e.to_string())?;
        return print(&format!("{doc}\n"));
    }

    let mut s = String::new();
    let mut line = |k: &str, v: String| s.push_str(&format!("{k:<16}{v}\n"));
    line("path", path.display().to_string());
    line("format version", info.version.to_string());
    line("layout", info.layout_name().to_string());
    line("fingerprint", fingerprint);
    line("header length", format!("{} bytes", info.header_len));
    line(
        "payload",
        format!(
            "{} bytes at offset {}",
            info.payload_size, info.payload_offset
        ),
    );
    line(
        "creator pid",
        format!(
            "{} ({})",
            info.creator_pid,
            if alive { "alive" } else { "not running" }
        ),
    );
    line(
        "created",
        format!(
            "{} ({} ago, unix ns {created_ns})",
            out::rfc3339(info.created),
            out::human_age(out::age(info.created))
        ),
    );
    line("fields", leaves.len().to_string());
    s.push('\n');
    let rows: Vec<[String; 5]> = leaves
        .iter()
        .map(|leaf| {
            [
                leaf.path.clone(),
                value_type_name(leaf.kind, leaf.width),
                leaf.width.to_string(),
                leaf.offset.to_string(),
                match load(&seg, leaf) {
                    Ok(v) => values::text(&v),
                    Err(e) => format!("<cannot load: {e}>"),
                },
            ]
        })
        .collect();
    let header = ["FIELD", "KIND", "TYPE", "WIDTH", "OFFSET", "VALUE"];
    let kinds: Vec<&str> = leaves.iter().map(|l| l.kind.name()).collect();
    let w0 = rows
        .iter()
        .map(|r| r[0].len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let w2 = rows
        .iter()
        .map(|r| r[1].len())
        .chain([4])
        .max()
        .unwrap_or(4);
    s.push_str(&format!(
        "{:<w0$}  {:<5}  {:<w2$}  {:>5}  {:>6}  {}\n",
        header[0], header[1], header[2], header[3], header[4], header[5]
    ));
    for (r, kind) in rows.iter().zip(kinds) {
        s.push_str(&format!(
            "{:<w0$}  {:<5}  {:<w2$}  {:>5}  {:>6}  {}\n",
            r[0], kind, r[1], r[2], r[3], r[4]
        ));
    }
    // After every load: values read after a truncation are zeros, not the segment's.
    seg.check().map_err(|e| e.to_string())?;
    print(&s)
}
