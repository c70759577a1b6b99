//! Where segments named without a directory live: [`default_dir`] and [`resolve_path`].

use std::path::{Component, Path, PathBuf};

/// The default directory for segments named without a directory: `/dev/shm` where it
/// exists (memory-backed on Linux), else the system's temporary directory.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// let dir = shm_atomics::default_dir();
/// assert!(dir.is_absolute());
/// ```
pub fn default_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// A bare file name (no directory) resolves under [`default_dir`]; any other path is
/// used as given.
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
    let bare =
        p.components().count() == 1 && matches!(p.components().next(), Some(Component::Normal(_)));
    if bare {
        default_dir().join(p)
    } else {
        p.to_path_buf()
    }
}
