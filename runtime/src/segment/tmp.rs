//! Temporary files of creation: their names, and finding and removing those a killed
//! creator left behind ([`temporary_files`], [`remove_leftovers`]).
//!
//! A creator builds a segment in `.shm-atomics.<pid>.<nanos>.tmp` in the target
//! directory: a short name of fixed form that does not embed the segment's name, so any
//! legal segment name (up to 255 bytes) fits. It holds an exclusive `flock` on the file
//! while it lives. A file of that form (or the older `.<name>.<pid>.<nanos>.tmp`) is a
//! *leftover* when all of these hold: it is a regular file owned by this user; it starts
//! with the segment magic or is shorter than it; no process has its pid
//! ([`process_alive`] says so: `kill(pid, 0)` fails with `ESRCH`;
//! a name with pid 0 or a pid above `i32::MAX`, which no creator writes, is never a
//! leftover); and its lock is free. The lock covers what the pid cannot: a
//! reused pid keeps a leftover alive (it is not removed until that process exits, which
//! errs on the safe side), and a creator in another pid namespace, whose pid means
//! nothing here, still holds its lock.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::string::String;
use std::time::{SystemTime, UNIX_EPOCH};
use std::vec::Vec;

use super::error::SegmentError;
use super::format::MAGIC;
use crate::error::Error;
use crate::fields::process::{euid, process_alive};

/// How many directory entries one creation's sweep looks at, and how many leftovers it
/// removes at most: creation stays cheap in a crowded directory; `shma gc` (or
/// [`remove_leftovers`]) has no bound.
const SWEEP_SCAN: usize = 4096;
const SWEEP_REMOVE: usize = 64;

/// The temporary name for a segment being created by this process.
pub(super) fn temp_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::format!(".shm-atomics.{}.{nanos}.tmp", std::process::id())
}

/// Takes the creator's lock on a fresh temporary file (best effort: a file system
/// without `flock` still works, with the pid check alone).
pub(super) fn lock_creating(file: &File) {
    // SAFETY: `file` is an open descriptor for the duration of the call.
    let _ = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
}

/// The creator pid in a temporary file name of either form, or None if `name` is not
/// one: `.<anything>.<digits>.<digits>.tmp`.
fn parse_temp_name(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, nanos) = inner.rsplit_once('.')?;
    let (stem, pid) = rest.rsplit_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if stem.is_empty() || !digits(nanos) || !digits(pid) {
        return None;
    }
    pid.parse().ok()
}

/// A temporary file of segment creation found in a directory ([`temporary_files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TempFile {
    /// The file.
    pub path: PathBuf,
    /// The creator's pid, from the name.
    pub creator_pid: u32,
    /// The file's length.
    pub len: u64,
    /// Whether it is a leftover: its creator is gone (see the module docs), so nothing
    /// will ever finish or remove it.
    pub leftover: bool,
}

/// Inspects one candidate: `Some(file)` if it is a temporary file of this user, with
/// `leftover` set if its creator is gone. The returned `File` holds the lock when the
/// file is a leftover, so nobody can take the name over before it is removed.
fn inspect(path: &Path, creator_pid: u32) -> Option<(TempFile, File)> {
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.file_type().is_file() || meta.uid() != euid() {
        return None;
    }
    let mut head = [0u8; 8];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    if head[..got] != MAGIC[..got] {
        return None;
    }
    let mut leftover = process_alive(creator_pid) == Some(false);
    if leftover {
        // SAFETY: `file` is an open descriptor for the duration of the call.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        leftover = r == 0;
    }
    let t = TempFile {
        path: path.to_path_buf(),
        creator_pid,
        len: meta.len(),
        leftover,
    };
    Some((t, file))
}

/// The temporary files of segment creation in `dir` that belong to this user, in name
/// order, each marked as a leftover or not (a creation in progress).
///
/// A temporary file is named `.shm-atomics.<pid>.<nanos>.tmp` (or, from older
/// versions, `.<name>.<pid>.<nanos>.tmp`), is a regular file owned by this user, and
/// starts with the segment magic or is shorter than it. It is a leftover when no process
/// has its pid (`kill(pid, 0)` fails with `ESRCH`) and the exclusive `flock` its creator
/// holds is free. A reused pid keeps a leftover until that process exits (the safe
/// side); the lock keeps a live creator in another pid namespace from being swept.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// let dir = tempfile::tempdir()?;
/// assert!(shm_atomics::temporary_files(dir.path())?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn temporary_files(dir: impl AsRef<Path>) -> Result<Vec<TempFile>, Error> {
    let dir = dir.as_ref();
    let mut out: Vec<TempFile> = scan(dir, usize::MAX)?
        .into_iter()
        .filter_map(|(p, pid)| inspect(&p, pid).map(|(t, _)| t))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Removes the leftovers among the [`temporary_files`] of `dir` (whose creator is gone)
/// and returns what it removed. Creation does the same for its own directory, bounded
/// to the first few thousand entries; this looks at every entry.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// let dir = tempfile::tempdir()?;
/// assert!(shm_atomics::remove_leftovers(dir.path())?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn remove_leftovers(dir: impl AsRef<Path>) -> Result<Vec<TempFile>, Error> {
    sweep(dir.as_ref(), usize::MAX, usize::MAX)
}

/// The bounded sweep creation runs in the directory it creates in; errors are ignored
/// (a sweep never makes a creation fail).
pub(super) fn sweep_for_create(dir: &Path) {
    let _ = sweep(dir, SWEEP_SCAN, SWEEP_REMOVE);
}

fn sweep(dir: &Path, max_scan: usize, max_remove: usize) -> Result<Vec<TempFile>, Error> {
    let mut removed = Vec::new();
    for (path, pid) in scan(dir, max_scan)? {
        if removed.len() >= max_remove {
            break;
        }
        let Some((t, lock)) = inspect(&path, pid) else {
            continue;
        };
        if t.leftover && fs::remove_file(&path).is_ok() {
            removed.push(t);
        }
        drop(lock);
    }
    removed.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(removed)
}

/// The entries of `dir` (at most `max_scan` looked at) whose names are temporary names,
/// with the pid each names.
fn scan(dir: &Path, max_scan: usize) -> Result<Vec<(PathBuf, u32)>, Error> {
    let entries = fs::read_dir(dir).map_err(|e| SegmentError::io(dir, "read directory", e))?;
    Ok(entries
        .take(max_scan)
        .filter_map(|e| {
            let e = e.ok()?;
            let pid = parse_temp_name(e.file_name().to_str()?)?;
            Some((e.path(), pid))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = temp_name();
        assert_eq!(parse_temp_name(&n), Some(std::process::id()));
        assert!(n.len() <= ".shm-atomics.4294967295.999999999.tmp".len());
        assert_eq!(parse_temp_name(".stats.123.456.tmp"), Some(123));
        assert_eq!(parse_temp_name(".a.b.123.456.tmp"), Some(123));
        for bad in [
            "stats.1.2.tmp",
            "..1.2.tmp",
            ".s.1.x.tmp",
            ".s.1.2.tm",
            ".s..2.tmp",
            ".s.1.2",
        ] {
            assert_eq!(parse_temp_name(bad), None, "{bad}");
        }
    }
}
