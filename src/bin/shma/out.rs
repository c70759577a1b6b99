//! Output and the small helpers every command shares: writing to stdout, opening
//! segments, times and process liveness.

use std::io::{self, Write as _};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shm_atomics::RawSegment;

use crate::{Result, advice};

/// Writes `text` to stdout and flushes. A closed pipe (`shma inspect x | head`) ends
/// the program quietly with success, as `cat` does; other write errors are reported.
pub fn print(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) => Err(stdout_error(e)),
    }
}

/// The message for a failed write to stdout; a closed pipe ends the program quietly
/// with success instead, as `cat` does.
pub fn stdout_error(e: io::Error) -> String {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    format!("writing to stdout failed: {e}")
}

/// Opens any segment read-only, with the library's message on failure.
pub fn open_readonly(path: &Path) -> Result<RawSegment> {
    RawSegment::open_readonly_with(path, &advice::trust()).map_err(|e| advice::message(&e))
}

/// Opens any segment read-write, with the library's message on failure.
pub fn open_writable(path: &Path) -> Result<RawSegment> {
    RawSegment::open_with(path, &advice::trust()).map_err(|e| advice::message(&e))
}

/// Nanoseconds since the Unix epoch (0 for times before it).
pub fn unix_ns(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Time since `t` (zero if `t` is in the future, e.g. after a clock change).
pub fn age(t: SystemTime) -> Duration {
    SystemTime::now()
        .duration_since(t)
        .unwrap_or(Duration::ZERO)
}

/// A short human duration: `42s`, `5m03s`, `2h07m`, `3d04h`.
pub fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86400, s % 86400 / 3600),
    }
}

/// `t` in UTC as RFC 3339 with milliseconds: `2026-03-21T10:04:05.123Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = d.as_secs();
    let (y, m, day) = civil_from_days((secs / 86400) as i64);
    let rem = secs % 86400;
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn ages() {
        assert_eq!(human_age(Duration::from_secs(5)), "5s");
        assert_eq!(human_age(Duration::from_secs(303)), "5m03s");
        assert_eq!(human_age(Duration::from_secs(7620)), "2h07m");
        assert_eq!(
            human_age(Duration::from_secs(3 * 86400 + 4 * 3600)),
            "3d04h"
        );
    }
}
