//! `shma wait PATH FIELD (--until VALUE | --change) [--timeout DURATION]`: block until a
//! field holds a value or changes, for shell scripts.
//!
//! A 32-bit field (or an `Event`, whose word is 32 bits) is waited on with the futex
//! (`Atomic::wait_timeout`: asleep in the kernel on Linux); wider and narrower fields
//! are polled with sleeps doubling from 1 ms to 50 ms.

use std::path::Path;
use std::time::{Duration, Instant};

use shm_atomics::{Atomic, DynAtomic, DynAtomicView, DynValue, RawSegment, WaitOutcome};

use crate::Result;
use crate::out::{open_readonly, print};
use crate::values;

/// The exit code when the time-out passes before the condition holds.
pub const TIMED_OUT: u8 = 3;

/// The long help of `wait`.
pub const LONG_ABOUT: &str = "Block until FIELD equals VALUE (--until) or differs from its \
    value at the start (--change), then print the value and exit 0. With --timeout, give up \
    after DURATION (`250ms`, `2s`, `1.5s`, `3m`, or a number of seconds) and exit 3; other \
    errors exit 2.\n\n\
    A 32-bit field (u32, i32, f32, [u8; 4]) or an Event field is waited on \
    with the shared futex: the process sleeps in the kernel until a writer notifies \
    (Atomic::notify_all, Event::notify_all, or the C header's shm_atomics_notify_u32), and \
    is also woken by any change followed by a notification. Writers that change the field \
    without notifying (`shma set`, plain stores) are still seen: the wait re-reads the \
    field at least every 50 ms. Other widths are polled with sleeps from 1 ms to 50 ms.";

/// The longest sleep between two reads: writers that do not notify are seen this late.
const MAX_NAP: Duration = Duration::from_millis(50);

/// What `wait` waits for.
pub enum Until {
    /// The field equals this text (parsed by the field's kind).
    Value(String),
    /// The field differs from its first reading.
    Change,
}

/// `250ms`, `2s`, `1.5s`, `3m`, `2` (seconds).
pub fn parse_duration(s: &str) -> Result<Duration> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let scale = match unit {
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => {
            return Err(format!(
                "invalid duration {s:?}: use e.g. 250ms, 2s, 1.5s, 3m"
            ));
        }
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: use e.g. 250ms, 2s, 1.5s, 3m"))?;
    Duration::try_from_secs_f64(n * scale)
        .map_err(|_| format!("invalid duration {s:?}: too long or negative"))
}

/// The field's bits as a target: the VALUE stored into a private cell of the same kind
/// and width, so `5`, `0x05` and `5.0` compare as the field's bits do.
fn target_bits(view: &DynAtomicView<'_>, name: &str, text: &str) -> Result<u128> {
    let bad = |e: String| format!("field {name} (--until {text}): {e}");
    let operand = values::parse(view.kind(), view.width(), text).map_err(bad)?;
    let cell = DynAtomic::with_kind(view.width(), view.kind()).map_err(|e| bad(e.to_string()))?;
    cell.view().store(operand).map_err(|e| bad(e.to_string()))?;
    Ok(cell.view().load().map_err(|e| bad(e.to_string()))?.bits())
}

/// The field as a 32-bit futex word, when it is one.
fn futex_word<'a>(
    seg: &'a RawSegment,
    name: &str,
    view: &DynAtomicView<'_>,
) -> Option<&'a Atomic<u32>> {
    if view.width() != 4 {
        return None;
    }
    let leaf = seg.info().descriptor.leaf(name)?;
    let region = seg.region();
    if leaf.offset.checked_add(4)? > region.len() {
        return None;
    }
    let ptr = region.as_ptr().wrapping_add(leaf.offset);
    // SAFETY: the word lies inside the segment's payload (checked above), which stays
    // mapped while `seg` lives ('a); the library checked its 4-byte alignment for the
    // view, and shared memory is only accessed atomically (the segment contract). The
    // mapping is read-only: `run` only loads and futex-waits through the reference
    // (the kernel only reads the word), never writes.
    unsafe { Atomic::<u32>::from_ptr(ptr).ok() }
}

/// `shma wait PATH FIELD (--until VALUE | --change) [--timeout DURATION]`; `Ok(false)`
/// when the time-out passed.
pub fn run(path: &Path, name: &str, until: &Until, timeout: Option<Duration>) -> Result<bool> {
    let seg = open_readonly(path)?;
    let view = seg.field(name).map_err(|e| e.to_string())?;
    let load = || -> Result<DynValue> {
        let v = view.load().map_err(|e| format!("field {name}: {e}"))?;
        seg.check().map_err(|e| e.to_string())?;
        Ok(v)
    };
    let first = load()?;
    let holds: Box<dyn Fn(&DynValue) -> bool> = match until {
        Until::Value(text) => {
            let want = target_bits(&view, name, text)?;
            Box::new(move |v| v.bits() == want)
        }
        Until::Change => {
            let was = first.bits();
            Box::new(move |v| v.bits() != was)
        }
    };
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    let word = futex_word(&seg, name, &view);
    let mut nap = Duration::from_millis(1);
    let mut cur = first;
    loop {
        if holds(&cur) {
            print(&format!("{}\n", values::text(&cur)))?;
            return Ok(true);
        }
        let left = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(l) if !l.is_zero() => l,
                _ => return Ok(false),
            },
            None => MAX_NAP,
        };
        match word {
            // Asleep in the kernel until notified (or MAX_NAP, for writers that do not
            // notify).
            Some(w) => {
                let _: WaitOutcome = w.wait_timeout(cur.bits() as u32, left.min(MAX_NAP));
            }
            None => {
                std::thread::sleep(left.min(nap));
                nap = (nap * 2).min(MAX_NAP);
            }
        }
        cur = load()?;
    }
}
