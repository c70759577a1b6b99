//! Where segments named without a directory live: [`default_dir`], [`resolve_path`] and
//! the checked per-user directory ([`checked_default_dir`]).
//!
//! Bare names live in a directory only this user can write, so another user cannot plant
//! a file at a victim's name (or leave a 0-byte file that blocks it forever, as in the
//! sticky `/dev/shm`): `$XDG_RUNTIME_DIR/shm-atomics` when `XDG_RUNTIME_DIR` is set and
//! not empty, else `/dev/shm/shm-atomics-<uid>` (the temporary directory where there is
//! no `/dev/shm`). The directory is created mode 0700 when missing, and every use checks
//! it on an open descriptor (`O_DIRECTORY | O_NOFOLLOW`, then `fstat`): a real directory,
//! owned by this user, with no group or other write permission (the same check applies
//! to `$XDG_RUNTIME_DIR` itself).

use std::ffi::OsString;
use std::fs::{DirBuilder, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};
use std::string::ToString;

use super::error::{SegmentError, SegmentErrorKind};
use super::owner::user_name;
use crate::error::Error;
use crate::fields::process::euid;

/// The per-user directory for segments named without a directory (only computed: see
/// [`checked_default_dir`] for the directory created and verified):
/// `$XDG_RUNTIME_DIR/shm-atomics` when `XDG_RUNTIME_DIR` is set and not empty, else
/// `/dev/shm/shm-atomics-<uid>` where `/dev/shm` exists (memory-backed on Linux), else
/// `shm-atomics-<uid>` in the system's temporary directory.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// let dir = shm_atomics::default_dir();
/// assert!(dir.is_absolute());
/// assert!(dir.file_name().unwrap().to_string_lossy().starts_with("shm-atomics"));
/// ```
pub fn default_dir() -> PathBuf {
    if let Some(run) = runtime_dir() {
        return run.join("shm-atomics");
    }
    shared_base().join(std::format!("shm-atomics-{}", euid()))
}

/// `$XDG_RUNTIME_DIR` if set, absolute and not empty.
fn runtime_dir() -> Option<PathBuf> {
    let v: OsString = std::env::var_os("XDG_RUNTIME_DIR")?;
    let p = PathBuf::from(v);
    p.is_absolute().then_some(p)
}

fn shared_base() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// The per-user directory of [`default_dir`], created mode 0700 if it does not exist,
/// and verified on an open descriptor: a real directory (not a symbolic link), owned by
/// this user, not writable by group or others. `$XDG_RUNTIME_DIR`, when used, is
/// verified the same way. Otherwise a [`SegmentError`] of kind
/// [`UnsafeDirectory`](SegmentErrorKind::UnsafeDirectory) names the directory, its owner
/// and mode.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use std::os::unix::fs::PermissionsExt;
///
/// let dir = shm_atomics::checked_default_dir()?;
/// let mode = std::fs::metadata(&dir)?.permissions().mode();
/// assert_eq!(mode & 0o022, 0, "no group or other write");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checked_default_dir() -> Result<PathBuf, Error> {
    let dir = default_dir();
    if let Some(run) = runtime_dir() {
        verify_dir(&run)?;
    }
    match DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(SegmentError::io(&dir, "create directory", e)),
    }
    verify_dir(&dir)?;
    Ok(dir)
}

/// Opens `dir` without following a final link and checks it on the descriptor.
fn verify_dir(dir: &Path) -> Result<(), Error> {
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)
        .map_err(|e| {
            if matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::ENOTDIR)) {
                // Say what is there instead, from the link itself.
                let (owner, mode) = std::fs::symlink_metadata(dir)
                    .map(|m| (m.uid(), m.mode()))
                    .unwrap_or((u32::MAX, 0));
                unsafe_dir(
                    dir,
                    owner,
                    mode,
                    "not a directory (a symbolic link or a file)",
                )
            } else {
                SegmentError::io(dir, "open directory", e)
            }
        })?;
    let meta = file
        .metadata()
        .map_err(|e| SegmentError::io(dir, "stat directory", e))?;
    let (owner, mode) = (meta.uid(), meta.mode());
    if owner != euid() {
        return Err(unsafe_dir(dir, owner, mode, "owned by another user"));
    }
    if mode & 0o022 != 0 {
        return Err(unsafe_dir(
            dir,
            owner,
            mode,
            "writable by group or others (chmod go-w it, or remove it)",
        ));
    }
    Ok(())
}

fn unsafe_dir(dir: &Path, owner: u32, mode: u32, problem: &str) -> Error {
    SegmentError::make(
        dir,
        SegmentErrorKind::UnsafeDirectory {
            owner,
            owner_name: user_name(owner),
            mode: mode & 0o7777,
            problem: problem.to_string(),
        },
    )
}

/// A bare file name (no directory) resolves under [`default_dir`]; any other path is
/// used as given. Only computes the path: the openers also create and check the
/// directory ([`checked_default_dir`]).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{default_dir, resolve_path};
///
/// assert_eq!(resolve_path("stats"), default_dir().join("stats"));
/// assert_eq!(resolve_path("./stats"), std::path::Path::new("./stats"));
/// assert_eq!(resolve_path("/tmp/stats"), std::path::Path::new("/tmp/stats"));
/// ```
pub fn resolve_path(path: impl AsRef<Path>) -> PathBuf {
    let p = path.as_ref();
    if is_bare(p) {
        default_dir().join(p)
    } else {
        p.to_path_buf()
    }
}

fn is_bare(p: &Path) -> bool {
    p.components().count() == 1 && matches!(p.components().next(), Some(Component::Normal(_)))
}

/// [`resolve_path`], with the per-user directory created and verified for a bare name.
pub(super) fn resolve_checked(path: &Path) -> Result<PathBuf, Error> {
    if is_bare(path) {
        Ok(checked_default_dir()?.join(path))
    } else {
        Ok(path.to_path_buf())
    }
}
