//! `shma watch PATH`: a live view with rates, which stops with an error (exit code 2)
//! when the file is truncated under it.

use std::io::IsTerminal as _;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use shm_atomics::{DynValue, LayoutDescBuf, Leaf};

use crate::out::{self, open_readonly, print};
use crate::{Result, glob, records, values};

/// The long help of `watch`, saying how rates are computed.
pub const LONG_ABOUT: &str = "Show the fields live, refreshed in place when stdout is a \
    terminal (successive blocks, separated by a blank line, otherwise), each number with its \
    rate per second since the previous refresh (`-` on the first), until Ctrl-C or --count \
    refreshes.\n\n\
    Integer rates are modular, as the counters themselves are: the change is the difference \
    modulo 2^bits of the field's width, taken as the nearest value (between -2^(bits-1) and \
    2^(bits-1)), so a counter that wraps past its maximum shows its small step forward and a \
    value that falls shows a negative rate. bool, bytes and 16-byte fields have no rate \
    (`-`).\n\n\
    With --fields, only the matching fields are read; parts of the layout that no GLOB can \
    match are skipped without visiting their elements, and a GLOB without `*` or `?` is \
    looked up directly. At most 65536 fields are watched at once: a larger selection is \
    refused (choose fewer with --fields).";

/// Clears the screen and moves the cursor home.
const CLEAR: &str = "\x1b[H\x1b[2J";

/// A rate as `+1234.5/s`, or `-` when there is none.
fn rate(prev: Option<&DynValue>, now: &DynValue, secs: f64) -> String {
    match prev.and_then(|p| values::delta(p, now)) {
        Some(d) if secs > 0.0 => format!("{:+.1}/s", d / secs),
        _ => "-".to_string(),
    }
}

/// The most fields one `watch` shows: each costs memory for its previous value and a
/// line per refresh, and a small descriptor may declare a billion of them.
const MAX_SHOWN: usize = 1 << 16;

/// The leaves `globs` select (all without globs), in memory order, found without
/// visiting what no glob can match; `None` when there are more than [`MAX_SHOWN`].
fn select(d: &LayoutDescBuf, globs: &[String]) -> Option<Vec<Leaf>> {
    let leaves: Vec<Leaf> = if globs.is_empty() {
        d.leaves().take(MAX_SHOWN + 1).collect()
    } else if globs.iter().all(|g| glob::is_literal(g)) {
        let mut leaves: Vec<Leaf> = globs.iter().filter_map(|g| d.leaf(g)).collect();
        leaves.sort_by_key(|l| l.offset);
        leaves.dedup_by_key(|l| l.offset);
        leaves
    } else {
        d.leaves_where(|prefix| globs.iter().any(|g| glob::may_match_prefix(g, prefix)))
            .filter(|l| globs.iter().any(|g| glob::matches(g, &l.path)))
            .take(MAX_SHOWN + 1)
            .collect()
    };
    (leaves.len() <= MAX_SHOWN).then_some(leaves)
}

/// `shma watch PATH [--interval MS] [--fields GLOB]... [--count N]`.
pub fn run(
    path: &Path,
    interval_ms: u64,
    globs: &[String],
    count: Option<u64>,
    cells: bool,
) -> Result<()> {
    let seg = open_readonly(path)?;
    let info = seg.info();
    let Some(leaves) = select(&info.descriptor, globs) else {
        return Err(format!(
            "more than {MAX_SHOWN} fields of segment {} to watch: choose fewer with --fields GLOB",
            path.display()
        ));
    };
    if leaves.is_empty() {
        return Err(format!(
            "no field of segment {} matches {}",
            path.display(),
            globs.join(" or ")
        ));
    }
    // Records: values from one consistent read per record and refresh; striped
    // counters: their sums unless --cells (records.rs).
    let leaves: Vec<records::Item> = records::items(&seg, leaves.into_iter(), cells).collect();
    let mut loader = records::Loader::new(&seg);
    let terminal = std::io::stdout().is_terminal();
    let interval = Duration::from_millis(interval_ms);
    let w = leaves
        .iter()
        .map(|l| l.path().len())
        .max()
        .unwrap_or(0)
        .max(5);

    // The value column only grows, so the view does not jump.
    let mut vw = 5;
    let mut prev: Vec<Option<DynValue>> = vec![None; leaves.len()];
    let mut last: Option<Instant> = None;
    let mut n = 0u64;
    loop {
        let now = Instant::now();
        let secs = last.map_or(0.0, |t| now.duration_since(t).as_secs_f64());
        loader.refresh();
        let loaded: Vec<std::result::Result<DynValue, String>> =
            leaves.iter().map(|l| loader.load(l).0).collect();
        // Every refresh: if the file shrank, these values are zeros, not the segment's;
        // stop with one `shma:` line rather than show them.
        seg.check().map_err(|e| e.to_string())?;
        let texts: Vec<String> = loaded
            .iter()
            .map(|v| match v {
                Ok(v) => values::text(v),
                Err(e) => format!("<cannot load: {e}>"),
            })
            .collect();
        vw = texts.iter().map(String::len).fold(vw, usize::max);
        n += 1;
        let mut s = String::new();
        if terminal {
            s.push_str(CLEAR);
        } else if n > 1 {
            s.push('\n');
        }
        s.push_str(&format!(
            "{}  layout {}  refresh {n}  every {interval_ms} ms  {}\n",
            path.display(),
            info.layout_name(),
            out::rfc3339(std::time::SystemTime::now()),
        ));
        s.push_str(&format!("{:<w$}  {:>vw$}  RATE\n", "FIELD", "VALUE"));
        for (((leaf, value), text), before) in leaves.iter().zip(&loaded).zip(&texts).zip(&mut prev)
        {
            let r = match value {
                Ok(v) => rate(before.as_ref(), v, secs),
                Err(_) => "-".to_string(),
            };
            s.push_str(&format!("{:<w$}  {text:>vw$}  {r}\n", leaf.path()));
            *before = value.as_ref().ok().copied();
        }
        print(&s)?;
        last = Some(now);
        if count.is_some_and(|c| n >= c) {
            return Ok(());
        }
        thread::sleep(interval);
    }
}
