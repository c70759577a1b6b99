//! `shma watch PATH`: a live view with rates, which stops with an error (exit code 2)
//! when the file is truncated under it, or replaced or removed (`check()` after every
//! refresh).

use std::io::IsTerminal as _;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use shm_atomics::{Atomic, DynValue, FieldTypeBuf, LayoutDescBuf, Leaf, RawSegment};

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
    refused (choose fewer with --fields).\n\n\
    When the layout has an Event field, watch blocks on the first one (in memory order) \
    between refreshes instead of sleeping: a notification refreshes at once, and without \
    one the view still refreshes every interval.";

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
    let event = event_word(&seg);
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
        // Before the loads: a notification during this refresh ends the next pause.
        let seen = event.map(|w| w.load());
        let now = Instant::now();
        let secs = last.map_or(0.0, |t| now.duration_since(t).as_secs_f64());
        loader.refresh();
        let loaded: Vec<std::result::Result<DynValue, String>> =
            leaves.iter().map(|l| loader.load(l).0).collect();
        // Every refresh: if the file shrank, these values are zeros, not the segment's;
        // if another file took its name, they are no longer the path's: stop with one
        // `shma:` line rather than show them.
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
        pause(event, seen, interval);
    }
}

/// The offset of the first `Event` field (in memory order, outside arrays), if any.
fn first_event(d: &LayoutDescBuf) -> Option<usize> {
    let mut fields: Vec<_> = d.fields.iter().filter(|f| f.array_len.is_none()).collect();
    fields.sort_by_key(|f| f.offset);
    fields.into_iter().find_map(|f| match &f.ty {
        FieldTypeBuf::Event => Some(f.offset),
        FieldTypeBuf::Layout(nd) => first_event(nd).and_then(|o| f.offset.checked_add(o)),
        _ => None,
    })
}

/// The generation word of the layout's first `Event`, to block on between refreshes.
fn event_word(seg: &RawSegment) -> Option<&Atomic<u32>> {
    let offset = first_event(&seg.info().descriptor)?;
    let region = seg.region();
    if offset.checked_add(4)? > region.len() {
        return None;
    }
    let ptr = region.as_ptr().wrapping_add(offset);
    // SAFETY: the word lies inside the payload (checked above), mapped while `seg`
    // lives; `from_ptr` checks its alignment; shared memory is only accessed atomically,
    // and through this read-only mapping `pause` only loads and futex-waits (the kernel
    // only reads the word), never writes.
    unsafe { Atomic::<u32>::from_ptr(ptr).ok() }
}

/// Between refreshes: blocks on the event until its generation moves past `seen` (read
/// before the refresh) or `interval` passes; sleeps `interval` when there is no event.
fn pause(event: Option<&Atomic<u32>>, seen: Option<u32>, interval: Duration) {
    match (event, seen) {
        (Some(word), Some(seen)) => {
            let _ = word.wait_timeout(seen, interval);
        }
        _ => thread::sleep(interval),
    }
}
