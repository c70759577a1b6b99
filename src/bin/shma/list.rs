//! `shma list [DIR] [--json]`: the segments in a directory.

use std::path::PathBuf;

use shm_atomics::{checked_default_dir, list_segments, process_alive, temporary_files};

use crate::json::{self, Object};
use crate::out::{self, print};
use crate::{Result, advice};

/// The directory a command works in: `dir`, or the checked per-user default directory.
pub fn dir_or_default(dir: Option<PathBuf>) -> Result<PathBuf> {
    match dir {
        Some(d) => Ok(d),
        None => checked_default_dir().map_err(|e| advice::message(&e)),
    }
}

/// `shma list [DIR] [--json]`.
pub fn run(dir: Option<PathBuf>, as_json: bool) -> Result<()> {
    let dir = dir_or_default(dir)?;
    let segments = list_segments(&dir, &advice::trust())
        .map_err(|e| format!("cannot list directory {}: {e}", dir.display()))?;
    // Temporary files of creation: in progress, or left over by a killed creator.
    let temps = temporary_files(&dir).map_err(|e| advice::message(&e))?;

    if as_json {
        let items = segments.iter().map(|s| {
            let info = &s.info;
            Object::new()
                .str("path", &s.path.to_string_lossy())
                .str("layout", info.layout_name())
                .str("fingerprint", &format!("{:#018x}", info.fingerprint))
                .raw("size", json::uint(s.len.into()))
                .raw("payload_size", json::uint(info.payload_size.into()))
                .int("creator_pid", info.creator_pid)
                .bool("alive", process_alive(info.creator_pid) == Some(true))
                .str("created_unix_ns", &out::unix_ns(info.created).to_string())
                .raw(
                    "age_secs",
                    format!("{:.3}", out::age(info.created).as_secs_f64()),
                )
                .bool("temporary", false)
                .finish()
        });
        let temp_items = temps.iter().map(|t| {
            Object::new()
                .str("path", &t.path.to_string_lossy())
                .int("size", t.len)
                .int("creator_pid", t.creator_pid)
                .bool("alive", !t.leftover)
                .bool("temporary", true)
                .bool("leftover", t.leftover)
                .finish()
        });
        return print(&format!("{}\n", json::array(items.chain(temp_items))));
    }

    let rows: Vec<[String; 5]> = segments
        .iter()
        .map(|s| {
            let info = &s.info;
            let alive = if process_alive(info.creator_pid) == Some(true) {
                "alive"
            } else {
                "gone"
            };
            [
                s.path.display().to_string(),
                info.layout_name().to_string(),
                s.len.to_string(),
                format!("{} ({alive})", info.creator_pid),
                out::human_age(out::age(info.created)),
            ]
        })
        .chain(temps.iter().map(|t| {
            let (what, state) = if t.leftover {
                ("(leftover: shma gc)", "gone")
            } else {
                ("(being created)", "alive")
            };
            [
                t.path.display().to_string(),
                what.to_string(),
                t.len.to_string(),
                format!("{} ({state})", t.creator_pid),
                "-".to_string(),
            ]
        }))
        .collect();
    let head = ["PATH", "LAYOUT", "SIZE", "CREATOR", "AGE"];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].len())
            .chain([head[i].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2, w3) = (width(0), width(1), width(2), width(3));
    let mut s = String::new();
    for r in std::iter::once(head.map(String::from)).chain(rows) {
        s.push_str(&format!(
            "{:<w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {}\n",
            r[0], r[1], r[2], r[3], r[4]
        ));
    }
    print(&s)
}
